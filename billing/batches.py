"""Batches of one-page notices (缴费通知单, 催缴通知单) in parts: WeasyPrint takes about 0.1–0.2 s a
page, so a whole large building in one request could outlast the web server's timeout (60 s in
docs/deployment.md). Up to ``BATCH_PAGES`` units the batch is one PDF; beyond, a page lists the parts
(each a PDF of at most ``BATCH_PAGES`` units, by ``?part=N``)."""

from django.shortcuts import render

BATCH_PAGES = 40


def batch_response(request, notices: list, *, title: str, render_part):
    """``render_part(notices_of_the_part, suffix)`` returns the PDF response of one part."""
    parts = [notices[i:i + BATCH_PAGES] for i in range(0, len(notices), BATCH_PAGES)] or [[]]
    if len(parts) == 1:
        return render_part(parts[0], "")
    chosen = request.GET.get("part", "")
    if chosen.isdigit() and 1 <= int(chosen) <= len(parts):
        return render_part(parts[int(chosen) - 1], f"-{int(chosen)}of{len(parts)}")
    links = []
    for number, part in enumerate(parts, start=1):
        query = request.GET.copy()
        query["part"] = str(number)
        links.append({"number": number, "url": f"{request.path}?{query.urlencode()}", "count": len(part),
                      "first": part[0].unit.code, "last": part[-1].unit.code})
    return render(request, "billing/batch_parts.html", {"title": title, "parts": links, "total": len(notices),
                                                        "size": BATCH_PAGES})
