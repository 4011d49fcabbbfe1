"""SCORM packages built in the tests: SCORM 1.2 with one SCO, SCORM 2004 4th edition with two SCOs under a
heading, and malformed ones. Each SCO is a tiny HTML page that talks to the runtime of its frame's parent:
it shows the location and entry it resumes from, saves a location and commits at once, and completes (with a
score) when its button is pressed."""

import io
import zipfile

SCO_12 = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1>
<p>位置：<span id="location">-</span> · 进入方式：<span id="entry">-</span> · 状态：<span id="status">-</span></p>
<button type="button" id="finish">完成学习</button>
<p id="result"></p>
<script>
var api = window.parent.API;
api.LMSInitialize("");
document.getElementById("location").textContent = api.LMSGetValue("cmi.core.lesson_location") || "none";
document.getElementById("entry").textContent = api.LMSGetValue("cmi.core.entry") || "none";
document.getElementById("status").textContent = api.LMSGetValue("cmi.core.lesson_status");
api.LMSSetValue("cmi.core.lesson_location", "{location}");
api.LMSSetValue("cmi.suspend_data", "seen={location}");
if (api.LMSGetValue("cmi.core.lesson_status") === "not attempted") {{
  api.LMSSetValue("cmi.core.lesson_status", "incomplete");
}}
api.LMSSetValue("cmi.core.exit", "suspend");
document.getElementById("result").textContent = api.LMSCommit("") === "true" ? "saved" : "not saved";
document.getElementById("finish").addEventListener("click", function () {{
  api.LMSSetValue("cmi.core.score.raw", "{score}");
  api.LMSSetValue("cmi.core.score.max", "100");
  api.LMSSetValue("cmi.core.lesson_status", "completed");
  var ok = api.LMSCommit("");
  api.LMSFinish("");
  document.getElementById("result").textContent = ok === "true" ? "finished" : "not saved";
}});
</script></body></html>
"""

SCO_2004 = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1>
<p>位置：<span id="location">-</span> · 进入方式：<span id="entry">-</span> · 状态：<span id="status">-</span></p>
<button type="button" id="finish">完成学习</button>
<p id="result"></p>
<script>
var api = window.parent.API_1484_11;
api.Initialize("");
document.getElementById("location").textContent = api.GetValue("cmi.location") || "none";
document.getElementById("entry").textContent = api.GetValue("cmi.entry") || "none";
document.getElementById("status").textContent = api.GetValue("cmi.completion_status");
api.SetValue("cmi.location", "{location}");
api.SetValue("cmi.suspend_data", "seen={location}");
if (api.GetValue("cmi.completion_status") !== "completed") {{
  api.SetValue("cmi.completion_status", "incomplete");
}}
api.SetValue("cmi.exit", "suspend");
document.getElementById("result").textContent = api.Commit("") === "true" ? "saved" : "not saved";
document.getElementById("finish").addEventListener("click", function () {{
  api.SetValue("cmi.score.scaled", "{scaled}");
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.success_status", "passed");
  var ok = api.Commit("");
  api.Terminate("");
  document.getElementById("result").textContent = ok === "true" ? "finished" : "not saved";
}});
</script></body></html>
"""

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="lms.test.scorm12" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item-1" identifierref="sco-1" isvisible="true">
        <title>党章学习单元</title>{mastery}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco-1" type="webcontent" adlcp:scormtype="sco" href="{href}">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="lms.test.scorm2004" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>{edition}</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="module-1">
        <title>第一单元</title>
        <item identifier="item-1" identifierref="sco-1" parameters="?part=1">
          <title>理论学习</title>
          <imsss:sequencing>
            <imsss:objectives>
              <imsss:primaryObjective objectiveID="pass" satisfiedByMeasure="true">
                <imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>
              </imsss:primaryObjective>
            </imsss:objectives>
          </imsss:sequencing>
        </item>
        <item identifier="item-2" identifierref="sco-2">
          <title>案例分析</title>
        </item>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco-1" type="webcontent" adlcp:scormType="sco" href="one/index.html">
      <file href="one/index.html"/>
    </resource>
    <resource identifier="sco-2" type="webcontent" adlcp:scormType="sco" href="two/index.html">
      <file href="two/index.html"/>
    </resource>
  </resources>
</manifest>
"""


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def raw_zip(entries) -> bytes:
    """A zip from (ZipInfo or name, bytes) pairs, names and attributes written exactly as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return buffer.getvalue()


def sco_12(title="党章学习", location="page-2", score=90) -> str:
    return SCO_12.format(title=title, location=location, score=score)


def sco_2004(title="理论学习", location="slide-3", scaled="0.9") -> str:
    return SCO_2004.format(title=title, location=location, scaled=scaled)


def files_12(title="党章学习（SCORM 1.2）", mastery: int | None = None, href="index.html") -> dict:
    mastery_xml = f"<adlcp:masteryscore>{mastery}</adlcp:masteryscore>" if mastery is not None else ""
    return {
        "imsmanifest.xml": MANIFEST_12.format(title=title, mastery=mastery_xml, href=href),
        "index.html": sco_12(),
    }


def scorm12(**kwargs) -> bytes:
    return zip_bytes(files_12(**kwargs))


def files_2004(title="廉政教育（SCORM 2004）", edition="2004 4th Edition") -> dict:
    return {
        "imsmanifest.xml": MANIFEST_2004.format(title=title, edition=edition),
        "one/index.html": sco_2004("理论学习", "slide-3", "0.9"),
        "two/index.html": sco_2004("案例分析", "case-2", "0.8"),
    }


def scorm2004(**kwargs) -> bytes:
    return zip_bytes(files_2004(**kwargs))
