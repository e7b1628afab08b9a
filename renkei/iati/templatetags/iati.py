"""The document links an IATI import kept, on the page of their partnership (``{% iati_documents p %}``)."""

from django import template

register = template.Library()


@register.inclusion_tag("iati/_documents.html", takes_context=True)
def iati_documents(context, partnership):
    from renkei.core.text import pick_language
    from renkei.iati.permissions import can_manage_document_link

    links = list(partnership.iati_document_links.all())
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {"p": partnership, "request": request, "csrf_token": context.get("csrf_token"),
            "links": [{"link": link, "title": pick_language(link.title) or link.url} for link in links],
            "can_remove": bool(links) and viewer is not None and can_manage_document_link(viewer, links[0])}
