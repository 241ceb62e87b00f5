"""Source documents made in the tests: a minimal PDF with a text layer, an HTML page."""

from __future__ import annotations

from collections.abc import Sequence


def make_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF whose pages hold the given lines of ASCII text (Helvetica, one line each)."""
    objects: list[bytes] = [b"", b""]  # the catalog and the page tree, filled in below
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    font = len(objects)
    kids = []
    for lines in pages:
        ops = [b"BT /F1 12 Tf 72 720 Td 14 TL"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*".encode("latin-1"))
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content, font)
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


HTML_PAGE = """<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<title>示例市2024年国民经济和社会发展计划</title>
<style>td { padding: 2px }</style>
<script>var tracker = "不是正文";</script>
</head>
<body>
<div class="nav">首页 &gt; 政务公开 &gt; 计划总结</div>
<h1>示例市2024年国民经济和社会发展计划</h1>
<p>各位代表:</p>
<p>现在,我代表市人民政府
向大会报告2024年计划,请予审议。</p>
<table>
  <tr><th>指标名称</th><th>2024年目标</th><th>2023年实际</th></tr>
  <tr><td>地区生产总值</td><td>增长6%</td><td>5.8%</td></tr>
  <tr><td>新增城镇就业</td><td>2万人</td><td>2.1万人</td></tr>
</table>
<p>全年新增城镇就业2.1万人,完成年度目标的105%。</p>
<div class="footer">版权所有 &copy; 示例市人民政府</div>
</body>
</html>
"""
