"""Agents and Groups (actor, authority, instructor, team, members): the inverse functional identifiers."""

from __future__ import annotations

from .primitives import check_iri, check_irl, check_keys, check_mbox, check_sha1, check_string, fail

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_KEYS = {"objectType", "name", *IFIS}
GROUP_KEYS = {"objectType", "name", "member", *IFIS}


def check_account(value, path: str):
    check_keys(value, path, {"homePage", "name"}, {"homePage", "name"})
    check_irl(value["homePage"], f"{path}.homePage")
    check_string(value["name"], f"{path}.name")


def _ifis(obj: dict, path: str) -> list[str]:
    present = [k for k in IFIS if k in obj]
    if "mbox" in obj:
        check_mbox(obj["mbox"], f"{path}.mbox")
    if "mbox_sha1sum" in obj:
        check_sha1(obj["mbox_sha1sum"], f"{path}.mbox_sha1sum")
    if "openid" in obj:
        check_iri(obj["openid"], f"{path}.openid")
    if "account" in obj:
        check_account(obj["account"], f"{path}.account")
    if len(present) > 1:
        fail(path, f"must have exactly one identifier, not {', '.join(present)}.")
    return present


def check_agent(obj, path: str):
    check_keys(obj, path, AGENT_KEYS)
    if obj.get("objectType", "Agent") != "Agent":
        fail(f"{path}.objectType", "must be 'Agent'.")
    if "name" in obj:
        check_string(obj["name"], f"{path}.name")
    if not _ifis(obj, path):
        fail(path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account.")


def check_group(obj, path: str):
    check_keys(obj, path, GROUP_KEYS, {"objectType"})
    if obj["objectType"] != "Group":
        fail(f"{path}.objectType", "must be 'Group'.")
    if "name" in obj:
        check_string(obj["name"], f"{path}.name")
    identified = bool(_ifis(obj, path))
    members = obj.get("member")
    if members is None:
        if not identified:
            fail(path, "an anonymous Group must list its members.")
        return
    if not isinstance(members, list):
        fail(f"{path}.member", "must be an array of Agents.")
    if not identified and not members:
        fail(f"{path}.member", "an anonymous Group needs at least one member.")
    for i, member in enumerate(members):
        if isinstance(member, dict) and member.get("objectType") == "Group":
            fail(f"{path}.member[{i}]", "a Group's members must be Agents, not Groups.")
        check_agent(member, f"{path}.member[{i}]")


def check_actor(obj, path: str):
    """An Agent or a Group (by objectType)."""
    if not isinstance(obj, dict):
        fail(path, "must be an Agent or Group object.")
    if obj.get("objectType") == "Group":
        check_group(obj, path)
    else:
        check_agent(obj, path)


def check_authority(obj, path: str):
    """An Agent, or an anonymous Group of exactly two Agents (an OAuth consumer and its user)."""
    check_actor(obj, path)
    if obj.get("objectType") == "Group":
        if any(k in obj for k in IFIS):
            fail(path, "an authority Group must be anonymous.")
        if len(obj.get("member") or []) != 2:
            fail(f"{path}.member", "an authority Group must have exactly two members.")


def canonical(obj: dict) -> str:
    """The text of an Agent's or identified Group's identifier (what the agent filters compare); "" for an
    anonymous Group."""
    if "mbox" in obj:
        return "mbox:" + obj["mbox"].lower()
    if "mbox_sha1sum" in obj:
        return "mbox_sha1sum:" + obj["mbox_sha1sum"].lower()
    if "openid" in obj:
        return "openid:" + obj["openid"]
    if "account" in obj:
        return "account:" + obj["account"]["homePage"] + "\x1f" + obj["account"]["name"]
    return ""
