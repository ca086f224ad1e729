"""Tags for tables of hundreds or thousands of rows, where what costs a few tens of
microseconds once costs a good part of the page in every row.

`{% row_url name arg ... %}` is `{% url %}` for the link of a row. The links of one
column differ only in their integer ids, so the URL is reversed once with stand-in ids
and every row fills in its own. Anything but integers is reversed as `{% url %}` does.

`{% include_once "partial.html" name=value ... %}` is `{% include ... with ... only %}`
for a partial that shows one of a few values (a signal, a state): it is rendered once per
distinct set of values in a page, and every later row gets the same text.

`{% row_fields form "name" ... %}` is `{{ form.name.as_field_group }}` for each name, for
a form repeated in every row whose prefix ends in the row's id ("answer-12"). Its fields
go through Django's field and widget templates, a few milliseconds a form; an unbound
form is rendered once per page and every later row gets that HTML with its own prefix.
A bound form (one sent back with its errors and what was typed) is rendered on its own.

    {% load long_tables %}
    <a href="{% row_url 'monitoring:talk_create' assessment.pk %}">
    {% include_once "monitoring/secretariat/_signal.html" signal=assessment.latest_signal %}
"""

from __future__ import annotations

import re
from collections.abc import Hashable

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Stand-in ids: long enough not to occur in a URL by chance.
_STAND_IN = 7_310_000_000_000_000_000


def _pattern(name: str, count: int) -> list[str] | None:
    """The URL of `name` split around its `count` integer arguments, or None when the
    stand-ins do not each appear once (the URL cannot be filled in)."""
    stand_ins = [str(_STAND_IN + index) for index in range(count)]
    url = reverse(name, args=[int(s) for s in stand_ins])
    parts = []
    rest = url
    for stand_in in stand_ins:
        if url.count(stand_in) != 1:
            return None
        before, rest = rest.split(stand_in)
        parts.append(before)
    return [*parts, rest]


@register.simple_tag(takes_context=True)
def row_url(context, name: str, *args) -> str:
    """The same URL as `{% url name *args %}`; the pattern is kept for the rest of
    this rendering of the page."""
    if all(type(arg) is int and arg >= 0 for arg in args):
        patterns = context.render_context.setdefault(row_url, {})
        key = (name, len(args))
        if key not in patterns:
            patterns[key] = _pattern(name, len(args))
        parts = patterns[key]
        if parts is not None:
            filled = [parts[0]]
            for arg, after in zip(args, parts[1:], strict=True):
                filled += [str(arg), after]
            return "".join(filled)
    return reverse(name, args=args)


def _key(value: object) -> object:
    # A dict or list passed in (labels, say) is the same object in every row.
    return value if isinstance(value, Hashable) else ("id", id(value))


@register.simple_tag(takes_context=True)
def include_once(context, template_name: str, **values) -> str:
    """The partial rendered with only `values`, as `{% include ... only %}` does,
    remembered for the rest of this rendering of the page."""
    rendered = context.render_context.setdefault(include_once, {})
    key = (template_name, tuple(sorted((k, _key(v)) for k, v in values.items())))
    if key not in rendered:
        partial = context.template.engine.get_template(template_name)
        rendered[key] = partial.render(context.new(values))
    return rendered[key]


# A row's prefix: letters, digits, "_" and "-", ending in the row's id; nothing in it
# changes when escaped.
_ROW_PREFIX = re.compile(r"([\w-]*?)(\d+)", re.ASCII)


def _field_groups(form, names: tuple[str, ...]) -> SafeString:
    html = SafeString()
    for name in names:
        html += form[name].as_field_group()
    return html


@register.simple_tag(takes_context=True)
def row_fields(context, form, *names: str) -> SafeString:
    """The field groups of `names`, as `{{ form.name.as_field_group }}` renders them."""
    match = _ROW_PREFIX.fullmatch(form.prefix or "")
    if form.is_bound or match is None:
        return _field_groups(form, names)
    initial = tuple(sorted((k, _key(v)) for k, v in form.initial.items()))
    rendered = context.render_context.setdefault(row_fields, {})
    key = (type(form), match.group(1), names, initial)
    if key not in rendered:
        # Every name and id of the form's fields starts with the prefix and a dash.
        rendered[key] = _field_groups(form, names).split(f"{form.prefix}-")
    # Django's escaped rendering, put together again around a prefix with nothing to
    # escape (_ROW_PREFIX).
    return mark_safe(f"{form.prefix}-".join(rendered[key]))  # noqa: S308
