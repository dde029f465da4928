import xml.etree.ElementTree as ET

from footprint.reports.charts import contributors_chart, stage_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_stage_chart_is_valid_svg_with_one_bar_per_stage_scaled_to_the_largest():
    svg = stage_chart([("原材料获取", 180.2, "84.7"), ("运输", 90.1, "15.3")], title="LV")
    root = ET.fromstring(svg)
    rects = root.findall(f"{SVG}rect")
    assert len(rects) == 2
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] == 300.0 and abs(widths[1] - 150.0) < 0.5
    texts = "".join(root.itertext())
    assert "原材料获取" in texts and "84.7 %" in texts and "180.200" in texts
    assert "Noto Sans CJK SC" in root.get("font-family")


def test_user_text_is_escaped():
    svg = contributors_chart([("<script>alert(1)</script>", 1.0)])
    assert "<script>" not in svg
    ET.fromstring(svg)  # still well-formed


def test_all_zero_values_draw_empty_bars():
    root = ET.fromstring(stage_chart([("a", 0.0, "0.0"), ("b", 0.0, "0.0")]))
    assert [float(r.get("width")) for r in root.findall(f"{SVG}rect")] == [0.0, 0.0]


def test_boundary_diagram_draws_excluded_stages_dashed():
    from footprint.reports.charts import boundary_diagram

    svg = boundary_diagram([("原材料获取", True), ("使用", False), ("<b>", True)],
                           boundary_label="系统边界", excluded_label="未纳入")
    root = ET.fromstring(svg)
    frame = next(r for r in root.findall(f"{SVG}rect") if r.get("rx") == "6")
    boxes = [r for r in root.findall(f"{SVG}rect") if r.get("rx") == "4"]
    assert len(boxes) == 3
    # the included stages in order inside the frame, the excluded one dashed below it
    frame_bottom = float(frame.get("y")) + float(frame.get("height"))
    inside = [b for b in boxes if float(b.get("y")) < frame_bottom]
    outside = [b for b in boxes if float(b.get("y")) > frame_bottom]
    assert len(inside) == 2 and len(outside) == 1
    assert outside[0].get("stroke-dasharray") and not any(b.get("stroke-dasharray") for b in inside)
    assert float(frame.get("width")) < 640 / 3 * 2 + 10  # the frame holds two boxes, not three
    assert "<b>" not in svg and "未纳入" in "".join(root.itertext())
