"""Browser-test helpers: a chart's drawn marks and its data table say the same thing; charts redrawn after a resize."""


def chart_marks_match_table(page, chart_id: str) -> list[str]:
    """Wait for chart ``chart_id`` to be drawn, then assert that every mark's title is one of the table's
    rows with a mark, and that there are as many marks as such rows. Returns the titles."""
    figure = page.locator(f"figure[data-chart='{chart_id}']")
    figure.locator("svg").first.wait_for(state="attached", timeout=10_000)
    page.wait_for_selector(f"figure[data-chart='{chart_id}'][data-drawn]", state="attached", timeout=10_000)
    marks = figure.evaluate(
        "f => Array.from(f.querySelectorAll('.chart-canvas svg title')).map(t => t.textContent)"
    )
    rows = figure.evaluate(
        "f => Array.from(f.querySelectorAll('tr[data-drawn]')).map(r => r.getAttribute('data-mark-title'))"
    )
    assert marks, f"chart {chart_id}: nothing drawn"
    assert sorted(marks) == sorted(rows), f"chart {chart_id}: marks {marks} differ from table rows {rows}"
    return marks


def resize_and_wait_for_charts(page, width: int, height: int) -> None:
    """Set the viewport and wait until every drawn chart has been drawn again for it (charts.js redraws
    them a moment after a resize, replacing what was there: a box measured before that is gone)."""
    page.evaluate("""() => document.querySelectorAll('figure[data-chart][data-drawn] .chart-canvas > *')
                               .forEach(node => node.setAttribute('data-before-resize', ''))""")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function("() => !document.querySelector('.chart-canvas > [data-before-resize]')", timeout=10_000)
