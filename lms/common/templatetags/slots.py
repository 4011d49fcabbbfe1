"""``{% load slots %}{% slot "name" %}``: the panels other apps registered for this place (lms.common.slots)."""

from django import template
from django.template import Context
from django.utils.safestring import mark_safe

from lms.common.slots import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name):
    html = []
    for panel in panels(name):
        data = panel.context(context)
        if data is None:
            continue
        tpl = context.template.engine.get_template(panel.template)
        html.append(tpl.render(Context(data, autoescape=context.autoescape)))
    return mark_safe("".join(html))
