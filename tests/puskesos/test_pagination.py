"""The shared pager (templates/_pagination.html)."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def test_pager_counts_and_keeps_the_filters():
    page = Paginator(list(range(30)), 25).page(1)
    html = render_to_string("_pagination.html", {"page_obj": page, "noun": "usulan",
                                                 "querystring": "status=siap"})
    assert "Halaman 1 dari 2 (30 usulan)" in html
    assert 'href="?status=siap&amp;page=2"' in html and "Sebelumnya" not in html


def test_no_pager_for_one_page():
    page = Paginator(list(range(3)), 25).page(1)
    assert "pagination" not in render_to_string("_pagination.html", {"page_obj": page})
