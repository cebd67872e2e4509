from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """Pages of 25 like the HTML lists; ``page_size`` up to 100 for another system's bulk reads."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
