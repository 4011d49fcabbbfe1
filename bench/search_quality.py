"""Search quality on the sample talks, transcribed by the real model.

    .venv/bin/python bench/search_quality.py [--talks samples/talks] [--keep DIR]

Ingests every talk of ``manifest.json`` with ``manage.py ingest_talk --sync`` (media pipeline, Whisper
base, then indexing through transcript_ready) into a throw-away database, runs every query of the
manifest through the search function and scores the moments it returns: a query is found at rank k
when the k-th returned moment (results in order, moments in order) belongs to the right talk and
overlaps the query's time window by ±1 s. Prints recall@5 and MRR, the same for plain substring
matching on the same transcripts, and ends with one JSON line.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RECALL = 0.95
TARGET_MRR = 0.85
SLACK = 1.0  # seconds around the query's window


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--talks", default=os.environ.get("LMS_SAMPLE_TALKS_DIR") or str(ROOT / "samples" / "talks"),
                   help="folder with manifest.json (default: $LMS_SAMPLE_TALKS_DIR or samples/talks)")
    p.add_argument("--keep", help="use (and keep) this directory for the database instead of a temporary one")
    return p.parse_args()


def setup_django(var_dir: Path):
    os.environ["LMS_VAR_DIR"] = str(var_dir)
    installed = ROOT / "var" / "asr-models" / "whisper-base"
    if "ASR_MODEL_DIR" not in os.environ and installed.exists():
        os.environ["ASR_MODEL_DIR"] = str(installed)  # reuse the model `make setup` installed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if not Path(settings.ASR_MODEL_DIR).exists():
        call_command("install_asr_model", stdout=StringIO())


def overlaps(moment: tuple[float, float], query: dict) -> bool:
    start, end = moment
    return start <= query["end"] + SLACK and end >= query["start"] - SLACK


def score(ranked: list[tuple[int, float, float]], talk_id: int, query: dict) -> int | None:
    """1-based rank of the first relevant moment, or None."""
    for rank, (tid, start, end) in enumerate(ranked, start=1):
        if tid == talk_id and overlaps((start, end), query):
            return rank
    return None


def substring_baseline(q: str) -> list[tuple[int, float, float]]:
    """Plain text matching: every segment whose text contains the query as typed, in talk/time order."""
    from content_library.models import TranscriptSegment

    return [(s.talk_id, s.start, s.end) for s in TranscriptSegment.objects.order_by("talk_id", "index")
            if q in s.text]


def main():
    args = parse_args()
    talks_dir = Path(args.talks).resolve()
    manifest = json.loads((talks_dir / "manifest.json").read_text(encoding="utf-8"))
    tmp = None
    if args.keep:
        var_dir = Path(args.keep).resolve()
        var_dir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="search-quality-")
        var_dir = Path(tmp)
    try:
        setup_django(var_dir)
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from content_library.models import Talk
        from search import services

        ids: dict[str, int] = {}
        started = time.monotonic()
        for key, entry in manifest.items():
            existing = Talk.objects.filter(title=entry["title"], status=Talk.Status.READY).first()
            if existing:
                ids[key] = existing.pk
                continue
            source = talks_dir / entry["files"][0]
            out = StringIO()
            call_command("ingest_talk", str(source), title=entry["title"], language=entry.get("lang", "auto"),
                         sync=True, stdout=out)
            ids[key] = json.loads(out.getvalue().strip().splitlines()[-1])["id"]
            print(f"  ingested {key} as talk {ids[key]}", file=sys.stderr, flush=True)
        ingest_s = time.monotonic() - started

        user = get_user_model().objects.filter(is_superuser=True).first()
        if user is None:
            user = get_user_model().objects.create_superuser("bench-admin", password=None)
        rows, ranks, base_ranks = [], [], []
        for key, entry in manifest.items():
            for query in entry["queries"]:
                result = services.search(user, query["q"], page_size=10)
                ranked = [(h.id, m.start, m.end) for h in result.hits if h.type == "talk" for m in h.moments]
                rank = score(ranked, ids[key], query)
                base = score(substring_baseline(query["q"]), ids[key], query)
                tier = None
                if rank:
                    moments = [m for h in result.hits if h.type == "talk" for m in h.moments]
                    tier = moments[rank - 1].as_dict()["match"]
                ranks.append(rank)
                base_ranks.append(base)
                rows.append((key, query["q"], rank, tier, base))

        def recall(rs, k=5):
            return sum(1 for r in rs if r and r <= k) / len(rs)

        def mrr(rs):
            return sum(1 / r for r in rs if r) / len(rs)

        print(f"{'talk':16s} {'query':14s} {'rank':>4s} {'match':7s} {'substring rank':>14s}")
        for key, q, rank, tier, base in rows:
            print(f"{key:16s} {q:14s} {rank or '-':>4} {tier or '-':7s} {base or '-':>14}")
        figures = {
            "bench": "search_quality", "queries": len(rows),
            "recall_at_5": round(recall(ranks), 3), "mrr": round(mrr(ranks), 3),
            "substring_recall_at_5": round(recall(base_ranks), 3), "substring_mrr": round(mrr(base_ranks), 3),
            "ingest_s": round(ingest_s, 1),
            "target_recall_at_5": TARGET_RECALL, "target_mrr": TARGET_MRR,
        }
        figures["meets_target"] = figures["recall_at_5"] >= TARGET_RECALL and figures["mrr"] >= TARGET_MRR
        print(f"search: recall@5 {figures['recall_at_5']:.3f}  MRR {figures['mrr']:.3f}   "
              f"plain substring: recall@5 {figures['substring_recall_at_5']:.3f}  MRR {figures['substring_mrr']:.3f}")
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
