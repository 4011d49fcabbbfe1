"""``{% load recommend_tags %}``: ``{% recommendations_for_me %}`` on the dashboard,
``{% also_completed page %}`` on a course page."""

from django import template

from lms.org.scope import member_of

from .. import services

register = template.Library()


@register.inclusion_tag("recommend/includes/for_you.html", takes_context=True)
def recommendations_for_me(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    member = member_of(user) if user is not None else None
    data = services.recommendations_for(member, user) if member is not None else None
    return {"member": member, "recs": data, "request": request, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("recommend/includes/also_completed.html", takes_context=True)
def also_completed(context, course, limit=5):
    request = context.get("request")
    user = getattr(request, "user", None)
    items = services.also_completed(course, user, member_of(user), limit=limit) if user is not None else []
    return {"items": items, "course": course}
