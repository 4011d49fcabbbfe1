"""What a statement is filed under: the keys of its actor, verb, object and everything it mentions."""

from __future__ import annotations

from .models.statements import key_of
from .validation.agents import canonical


def agent_key(agent: dict) -> str:
    text = canonical(agent) if isinstance(agent, dict) else ""
    return key_of(text) if text else ""


def _agents_in(actor: dict | None):
    """An agent, or an identified group and its members."""
    if not isinstance(actor, dict):
        return
    if canonical(actor):
        yield actor
    for member in actor.get("member") or []:
        if canonical(member):
            yield member


def _context_activities(context: dict | None):
    for items in ((context or {}).get("contextActivities") or {}).values():
        yield from items


def mentioned(st: dict, *, top: bool = True):
    """(agents, activities) a statement mentions, SubStatement included: the related_* filters' rows."""
    agents, activities = [], []
    agents.extend(_agents_in(st.get("actor")))
    obj = st.get("object") or {}
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        activities.append(obj)
    elif kind in ("Agent", "Group"):
        agents.extend(_agents_in(obj))
    elif kind == "SubStatement" and top:
        sub_agents, sub_activities = mentioned(obj, top=False)
        agents.extend(sub_agents)
        activities.extend(sub_activities)
    context = st.get("context") or {}
    for role in ("instructor", "team"):
        agents.extend(_agents_in(context.get(role)))
    for item in context.get("contextAgents") or []:
        agents.extend(_agents_in(item.get("agent")))
    for item in context.get("contextGroups") or []:
        agents.extend(_agents_in(item.get("group")))
    if top:
        agents.extend(_agents_in(st.get("authority")))
    activities.extend(_context_activities(context))
    return agents, activities


def defined_activities(st: dict):
    """Every Activity object in a statement (with or without a definition), SubStatement included."""
    _agents, activities = mentioned(st)
    return activities
