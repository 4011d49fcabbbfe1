"""The document resources (State, Activity Profile, Agent Profile) and the Activities and Agents resources."""

from django.http import JsonResponse

from . import documents
from .agents import is_iri, parse_agent_param, person
from .errors import BadRequest
from .models import Activity, Statement
from .statement_keys import agent_key
from .wire import endpoint


@endpoint(methods={"GET", "PUT", "POST", "DELETE"})
def state(xreq):
    return documents.handle(xreq, documents.STATE)


@endpoint(methods={"GET", "PUT", "POST", "DELETE"})
def activity_profile(xreq):
    return documents.handle(xreq, documents.ACTIVITY_PROFILE)


@endpoint(methods={"GET", "PUT", "POST", "DELETE"})
def agent_profile(xreq):
    return documents.handle(xreq, documents.AGENT_PROFILE)


def _only(xreq, name: str) -> str:
    unknown = set(xreq.params) - {name}
    if unknown:
        raise BadRequest(f"Unknown parameters: {', '.join(sorted(unknown))}.")
    value = xreq.params.get(name)
    if not value:
        raise BadRequest(f"The {name!r} parameter is required.")
    return value


@endpoint(methods={"GET"})
def activities(xreq):
    """The canonical definition the LRS keeps of an activity (only its id when no statement defined it)."""
    activity_id = _only(xreq, "activityId")
    if not is_iri(activity_id):
        raise BadRequest("activityId must be an IRI.")
    documents.require_read(xreq.credential)
    activity = Activity.lookup(activity_id)
    return JsonResponse(activity.as_json() if activity else {"objectType": "Activity", "id": activity_id})


@endpoint(methods={"GET"})
def agents(xreq):
    """The Person the LRS knows behind an Agent: its identifier plus the names statements gave it."""
    agent = parse_agent_param(_only(xreq, "agent"), groups=False)
    documents.require_read(xreq.credential, agent)
    return JsonResponse(person(agent, known_as(agent)))


def known_as(agent: dict) -> list[dict]:
    """Actors of stored statements with this agent's identifier (newest first, a few)."""
    key = agent_key(agent)
    actors = Statement.objects.filter(actor_key=key).order_by("-seq").values_list("data", flat=True)[:20]
    return [data["actor"] for data in actors if isinstance(data, dict) and isinstance(data.get("actor"), dict)]
