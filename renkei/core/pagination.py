from dataclasses import dataclass

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


@dataclass(frozen=True)
class PageParams:
    page: int = 1
    page_size: int = 24


def paginate(queryset, *, page: int | str | None, page_size: int):
    """A Django page that never raises for a bad page number: out of range gives the last page."""
    paginator = Paginator(queryset, page_size)
    try:
        return paginator.page(page or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
