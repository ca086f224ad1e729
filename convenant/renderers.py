from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Forms render with NL Design System markup, an error summary at the top that links
    to each field, and each message beside its field."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
