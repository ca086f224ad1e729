"""Tags for tables of hundreds or thousands of rows, where what costs a few tens of
microseconds once costs a good part of the page in every row.

`{% row_url name arg ... %}` is `{% url %}` for the link of a row. The links of one
column differ only in their integer ids, so the URL is reversed once with stand-in ids
and every row fills in its own. Anything but integers is reversed as `{% url %}` does.

`{% include_once "partial.html" name=value ... %}` is `{% include ... with ... only %}`
for a partial that shows one of a few values (a signal, a state): it is rendered once per
distinct set of values in a page, and every later row gets the same text.

    {% load long_tables %}
    <a href="{% row_url 'monitoring:talk_create' assessment.pk %}">
    {% include_once "monitoring/secretariat/_signal.html" signal=assessment.latest_signal %}
"""

from __future__ import annotations

from collections.abc import Hashable

from django import template
from django.urls import reverse

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
