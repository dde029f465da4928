"""The cover's signature block: the layout reserves it, the renderer finds it, signing fills it.

The issued cover prints an empty box (`#signature-box`, sized in report.css) where the
certification body's visible signature goes. Its top-left corner is the anchor of that id and
its bottom-right corner the anchor of a zero-size marker pinned to the box's bottom-right
(`#signature-box-end`); WeasyPrint reports both positions from its layout (`Page.anchors`), so
the signature lands wherever the layout puts the box, and nothing else is ever printed there.
"""

from __future__ import annotations

from ..services.workflow.signing import SignatureBox

BOX_ID = "signature-box"
BOX_END_ID = "signature-box-end"
PT_PER_CSS_PX = 0.75  # 96 CSS px = 72 pt




def find_signature_box(document) -> SignatureBox | None:
    """The reserved box in a laid-out WeasyPrint document, or None if no page has one."""
    for index, page in enumerate(document.pages):
        start = page.anchors.get(BOX_ID)
        end = page.anchors.get(BOX_END_ID)
        if start is None or end is None:
            continue
        page_height = page.height * PT_PER_CSS_PX
        return SignatureBox(
            page=index,
            x1=start[0] * PT_PER_CSS_PX,
            y1=page_height - end[1] * PT_PER_CSS_PX,
            x2=end[0] * PT_PER_CSS_PX,
            y2=page_height - start[1] * PT_PER_CSS_PX,
        )
    return None
