"""Checks every test of an exported file uses: schema, codelists and the Standard's rules."""

from lxml import etree

from renkei.iati.validation import check_activities, parse_trusted


def valid(data: bytes) -> etree._Element:
    """The parsed file, after asserting it passes every check."""
    assert check_activities(data) == []
    return parse_trusted(data)


def canonical(data: bytes) -> list[bytes]:
    """The activities without their timestamps, for comparing two exports."""
    root = parse_trusted(data)
    out = []
    for activity in root.iterfind("iati-activity"):
        activity.attrib.pop("last-updated-datetime", None)
        out.append(etree.tostring(activity, method="c14n"))
    return out
