"""Error text that reaches people (a failed talk, a failed export) without the server's insides: absolute file
paths become their last part, so "No such file: /srv/lms/var/media/talks/7/a.mp4" reads "No such file: a.mp4"."""

from __future__ import annotations

import re

# An absolute POSIX path of two or more parts, or a Windows drive path; stops at whitespace and quotes.
_PATH = re.compile(r"""(?<![\w:/])(?:[A-Za-z]:\\|/)(?:[^\s'"<>:]+[/\\])+([^\s'"<>/\\]*)""")


def without_paths(text: object) -> str:
    return _PATH.sub(lambda match: match.group(1) or "…", str(text))
