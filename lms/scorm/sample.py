"""A small SCORM 1.2 package built in code (for the demo): three pages of text, resumed at the page last seen,
completed on the last one. Its SCO finds the runtime as SCOs do, in the parent frames."""

import io
import zipfile

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="lms.demo.scorm12" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item-1" identifierref="sco-1"><title>{title}</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco-1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font:16px/1.7 sans-serif;margin:1.5em;color:#222}}section{{display:none}}section.on{{display:block}}
button{{font:inherit;padding:.4em 1.2em;margin-right:.5em}}</style></head><body>
{sections}
<p><button type="button" id="prev">上一页</button><button type="button" id="next">下一页</button>
<span id="where"></span></p>
<script>
function findAPI(w) {{
  for (var i = 0; w && i < 8; i++, w = w.parent) {{ if (w.API) return w.API; if (w === w.parent) break; }}
  return null;
}}
var api = findAPI(window.parent), pages = document.querySelectorAll("section"), at = 0;
if (api) {{ api.LMSInitialize(""); at = parseInt(api.LMSGetValue("cmi.core.lesson_location") || "0", 10) || 0; }}
function show(n) {{
  at = Math.max(0, Math.min(pages.length - 1, n));
  pages.forEach(function (p, i) {{ p.className = i === at ? "on" : ""; }});
  document.getElementById("where").textContent = "第 " + (at + 1) + " / " + pages.length + " 页";
  if (!api) return;
  api.LMSSetValue("cmi.core.lesson_location", String(at));
  if (at === pages.length - 1) {{ api.LMSSetValue("cmi.core.lesson_status", "completed"); }}
  else if (api.LMSGetValue("cmi.core.lesson_status") !== "completed") {{
    api.LMSSetValue("cmi.core.lesson_status", "incomplete");
  }}
  api.LMSSetValue("cmi.core.exit", "suspend");
  api.LMSCommit("");
}}
document.getElementById("prev").onclick = function () {{ show(at - 1); }};
document.getElementById("next").onclick = function () {{ show(at + 1); }};
window.addEventListener("pagehide", function () {{ if (api) api.LMSFinish(""); }});
show(at);
</script></body></html>
"""


def build(title: str, pages: list[tuple[str, str]]) -> bytes:
    sections = "\n".join(f"<section><h1>{heading}</h1><p>{text}</p></section>" for heading, text in pages)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("imsmanifest.xml", MANIFEST.format(title=title))
        zf.writestr("index.html", PAGE.format(title=title, sections=sections))
    return buffer.getvalue()
