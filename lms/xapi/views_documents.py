"""The document resources (State, Activity Profile, Agent Profile) and the Activities and Agents resources."""

from django.http import HttpResponse

from .http import endpoint


@endpoint(methods={"GET", "PUT", "POST", "DELETE"})
def state(xreq):
    return HttpResponse(status=501)


@endpoint(methods={"GET", "PUT", "POST", "DELETE"})
def activity_profile(xreq):
    return HttpResponse(status=501)


@endpoint(methods={"GET"})
def activities(xreq):
    return HttpResponse(status=501)


@endpoint(methods={"GET", "PUT", "POST", "DELETE"})
def agent_profile(xreq):
    return HttpResponse(status=501)


@endpoint(methods={"GET"})
def agents(xreq):
    return HttpResponse(status=501)
