"""The ``format`` of statements in GET answers: exact (as stored), ids (identifiers only), canonical (one
language per language map, activities with the LRS's canonical definitions)."""

from __future__ import annotations

import copy

from .models import Activity
from .models.statements import key_of
from .statement_keys import defined_activities
from .validation.agents import IFIS


def _agent_ids(agent: dict) -> dict:
    out = {k: agent[k] for k in ("objectType", *IFIS) if k in agent}
    if agent.get("objectType") == "Group" and not any(k in agent for k in IFIS):
        out["member"] = [_agent_ids(m) for m in agent.get("member") or []]
    return out


def _object_ids(obj: dict) -> dict:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return {"id": obj["id"]}
    if kind in ("Agent", "Group"):
        return _agent_ids(obj)
    if kind == "SubStatement":
        return _ids(obj)
    return obj


def _ids(st: dict) -> dict:
    st = dict(st)
    st["actor"] = _agent_ids(st["actor"])
    st["verb"] = {"id": st["verb"]["id"]}
    st["object"] = _object_ids(st["object"])
    if "authority" in st:
        st["authority"] = _agent_ids(st["authority"])
    context = st.get("context")
    if context:
        context = dict(context)
        for role in ("instructor", "team"):
            if role in context:
                context[role] = _agent_ids(context[role])
        if "contextActivities" in context:
            context["contextActivities"] = {k: [{"id": a["id"]} for a in v]
                                            for k, v in context["contextActivities"].items()}
        st["context"] = context
    return st


def _pick(langmap: dict, languages: list[str]) -> dict:
    if not isinstance(langmap, dict) or not langmap:
        return langmap
    lowered = {k.lower(): k for k in langmap}
    for lang in languages:
        lang = lang.lower()
        if lang in lowered:
            return {lowered[lang]: langmap[lowered[lang]]}
        for key_lower, key in lowered.items():
            if key_lower.split("-")[0] == lang.split("-")[0]:
                return {key: langmap[key]}
    key = next(iter(langmap))
    return {key: langmap[key]}


def _canonical_activity(activity: dict, languages: list[str], definitions: dict) -> dict:
    activity = dict(activity)
    definition = definitions.get(key_of(activity["id"]), activity.get("definition"))
    if definition:
        definition = copy.deepcopy(definition)
        for key in ("name", "description"):
            if key in definition:
                definition[key] = _pick(definition[key], languages)
        for key in ("choices", "scale", "source", "target", "steps"):
            for item in definition.get(key) or []:
                if "description" in item:
                    item["description"] = _pick(item["description"], languages)
        activity["definition"] = definition
    return activity


def _canonical(st: dict, languages: list[str], definitions: dict) -> dict:
    st = copy.deepcopy(st)
    if "display" in st["verb"]:
        st["verb"]["display"] = _pick(st["verb"]["display"], languages)
    obj = st["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        st["object"] = _canonical_activity(obj, languages, definitions)
    elif kind == "SubStatement":
        st["object"] = _canonical(obj, languages, definitions)
    context = st.get("context") or {}
    for name, items in (context.get("contextActivities") or {}).items():
        context["contextActivities"][name] = [_canonical_activity(a, languages, definitions) for a in items]
    for attachment in st.get("attachments") or []:
        for key in ("display", "description"):
            if key in attachment:
                attachment[key] = _pick(attachment[key], languages)
    return st


def accept_languages(header: str | None) -> list[str]:
    weighted = []
    for i, item in enumerate((header or "").split(",")):
        lang, _sep, q = item.strip().partition(";q=")
        if lang and lang != "*":
            try:
                weighted.append((-float(q or 1), i, lang.strip()))
            except ValueError:
                continue
    return [lang for _q, _i, lang in sorted(weighted)]


def render(statements: list[dict], fmt: str, accept_language: str | None = None) -> list[dict]:
    if fmt == "ids":
        return [_ids(st) for st in statements]
    if fmt == "canonical":
        languages = accept_languages(accept_language)
        keys = set()
        for st in statements:
            keys.update(key_of(a["id"]) for a in defined_activities(st))
        definitions = dict(Activity.objects.filter(activity_key__in=keys).values_list("activity_key", "definition"))
        return [_canonical(st, languages, definitions) for st in statements]
    return statements
