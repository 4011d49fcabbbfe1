"""ASR benchmark: the talk pipeline versus plain faster-whisper, same model, same files, same run.

    .venv/bin/python bench/asr_bench.py [--talks samples/talks] [--repeats 3] [--language auto|manifest]

For every media file listed in the manifest it runs
  * plain faster-whisper: ``WhisperModel.transcribe(path)`` with its defaults, and
  * the pipeline: probe → extract → transcribe (VAD, word timestamps) → normalize → store segments →
    captions + poster → search indexing, exactly as ``ingest_talk --sync`` does,
sharing one loaded model, interleaved (order alternating), best of ``--repeats`` runs each. It prints
per-file real-time factors (wall clock), the CPU-time ratio (steadier on a shared machine) and error
rates (CER for Chinese after Simplified + numeral normalization, WER for English) and ends with one
JSON line. Targets: pipeline time ≤ 1.10 × plain time; pipeline error ≤ plain error.

It works in a throwaway database and media folder (never the dev database).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TIME_TARGET = 1.10


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("ASR_MODEL_DIR", str(REPO / "var" / "asr-models" / "whisper-base"))
    os.environ["LMS_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("install_asr_model", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--talks",
                        default=os.environ.get("LMS_SAMPLE_TALKS_DIR") or str(REPO / "samples" / "talks"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--language", choices=["auto", "manifest"], default="auto",
                        help="auto: both detect the language (the ingest default); manifest: both are told it")
    args = parser.parse_args()
    talks_dir = Path(args.talks)
    manifest = json.loads((talks_dir / "manifest.json").read_text(encoding="utf-8"))

    workdir = Path(tempfile.mkdtemp(prefix="asr-bench-"))
    try:
        setup_django(workdir)
        return run(talks_dir, manifest, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(talks_dir: Path, manifest: dict, args) -> int:
    from django.core.files import File

    from content_library.models import Talk
    from media_pipeline.asr import get_backend
    from media_pipeline.asr.faster_whisper import load_model
    from media_pipeline.pipeline import submit
    from media_pipeline.textmetrics import edit_distance, normalize_en, normalize_zh

    backend = get_backend()
    model, runtime = load_model(backend.model_name, backend.device, backend.compute_type, backend.cpu_threads)

    def plain(path: Path, language):
        started, cpu = time.perf_counter(), time.process_time()
        segments, _info = model.transcribe(str(path), language=language)
        text = " ".join(s.text for s in segments)
        return time.perf_counter() - started, time.process_time() - cpu, text

    def through_pipeline(path: Path, language):
        talk = Talk(title=path.stem, language=language or "auto")
        with path.open("rb") as fh:
            talk.source_file.save(path.name, File(fh, name=path.name), save=False)
        talk.save()
        started, cpu = time.perf_counter(), time.process_time()
        submit(talk, sync=True)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        talk.refresh_from_db()
        if talk.status != Talk.Status.READY:
            raise SystemExit(f"pipeline failed on {path.name}: {talk.error}")
        return elapsed, cpu, " ".join(talk.segments.values_list("text", flat=True))

    def errors(lang: str, reference: str, hypothesis: str) -> tuple[int, int]:
        if lang.startswith("zh"):
            ref, hyp = normalize_zh(reference), normalize_zh(hypothesis)
        else:
            ref, hyp = normalize_en(reference), normalize_en(hypothesis)
        return edit_distance(ref, hyp), len(ref)

    files = [(key, talk, talks_dir / name) for key, talk in manifest.items() for name in talk["files"]]
    # Warm-up (first-call allocations in CTranslate2, PyAV, OpenCC), not measured.
    plain(files[0][2], None)
    through_pipeline(files[0][2], None)

    rows = []
    totals = {"plain": 0.0, "pipeline": 0.0, "audio": 0.0, "plain_cpu": 0.0, "pipeline_cpu": 0.0}
    edits = {("plain", "cer"): [0, 0], ("pipeline", "cer"): [0, 0], ("plain", "wer"): [0, 0],
             ("pipeline", "wer"): [0, 0]}
    header = (f"{'file':<24}{'lang':>5}{'dur s':>8}{'plain RTF':>11}{'pipe RTF':>10}{'ratio':>7}"
              f"{'plain err':>11}{'pipe err':>10}")
    print(header)
    print("-" * len(header))
    for _key, talk, path in files:
        language = talk["lang"] if args.language == "manifest" else None
        reference = "".join(s["text"] for s in talk["sentences"]) if talk["lang"].startswith("zh") else \
            " ".join(s["text"] for s in talk["sentences"])
        plain_runs, pipe_runs = [], []
        for repeat in range(max(args.repeats, 1)):
            # Alternate the order so load changes on a shared machine hit both sides alike.
            if repeat % 2:
                pipe_runs.append(through_pipeline(path, language))
                plain_runs.append(plain(path, language))
            else:
                plain_runs.append(plain(path, language))
                pipe_runs.append(through_pipeline(path, language))
        plain_t, plain_cpu = min(r[0] for r in plain_runs), min(r[1] for r in plain_runs)
        pipe_t, pipe_cpu = min(r[0] for r in pipe_runs), min(r[1] for r in pipe_runs)
        plain_text, pipe_text = plain_runs[0][2], pipe_runs[0][2]
        metric = "cer" if talk["lang"].startswith("zh") else "wer"
        pe, pn = errors(talk["lang"], reference, plain_text)
        qe, qn = errors(talk["lang"], reference, pipe_text)
        edits[("plain", metric)][0] += pe
        edits[("plain", metric)][1] += pn
        edits[("pipeline", metric)][0] += qe
        edits[("pipeline", metric)][1] += qn
        duration = talk["duration"]
        totals["plain"] += plain_t
        totals["pipeline"] += pipe_t
        totals["audio"] += duration
        totals["plain_cpu"] += plain_cpu
        totals["pipeline_cpu"] += pipe_cpu
        row = {"file": path.name, "lang": talk["lang"], "duration": duration,
               "plain_seconds": round(plain_t, 3), "pipeline_seconds": round(pipe_t, 3),
               "plain_rtf": round(plain_t / duration, 4), "pipeline_rtf": round(pipe_t / duration, 4),
               "ratio": round(pipe_t / plain_t, 3), "cpu_ratio": round(pipe_cpu / plain_cpu, 3), "metric": metric,
               "plain_error": round(pe / max(pn, 1), 4), "pipeline_error": round(qe / max(qn, 1), 4)}
        rows.append(row)
        print(f"{path.name:<24}{talk['lang']:>5}{duration:>8.1f}{row['plain_rtf']:>11.3f}{row['pipeline_rtf']:>10.3f}"
              f"{row['ratio']:>7.2f}{metric.upper():>5} {row['plain_error']:.3f}{row['pipeline_error']:>10.3f}")

    def rate(kind, metric):
        e, n = edits[(kind, metric)]
        return round(e / n, 4) if n else None

    ratio = totals["pipeline"] / totals["plain"]
    result = {
        "bench": "asr",
        "model": Path(backend.model_name).name,
        "device": runtime["device"],
        "compute_type": runtime["compute_type"],
        "cpu_threads": runtime["cpu_threads"],
        "files": len(rows),
        "audio_seconds": round(totals["audio"], 2),
        "plain_seconds": round(totals["plain"], 3),
        "pipeline_seconds": round(totals["pipeline"], 3),
        "plain_rtf": round(totals["plain"] / totals["audio"], 4),
        "pipeline_rtf": round(totals["pipeline"] / totals["audio"], 4),
        "time_ratio": round(ratio, 3),
        "cpu_time_ratio": round(totals["pipeline_cpu"] / totals["plain_cpu"], 3),
        "target_time_ratio": TIME_TARGET,
        "plain_cer": rate("plain", "cer"),
        "pipeline_cer": rate("pipeline", "cer"),
        "plain_wer": rate("plain", "wer"),
        "pipeline_wer": rate("pipeline", "wer"),
        "language": args.language,
        "repeats": args.repeats,
    }
    result["time_ok"] = ratio <= TIME_TARGET
    result["error_ok"] = all(
        result[f"pipeline_{m}"] is None or result[f"pipeline_{m}"] <= result[f"plain_{m}"] for m in ("cer", "wer")
    )
    print()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
