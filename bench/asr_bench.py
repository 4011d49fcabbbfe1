"""ASR benchmark: the talk pipeline (with and without glossary and pronunciation correction) versus plain
faster-whisper, same model, same files, same run.

    .venv/bin/python bench/asr_bench.py [--talks samples/talks] [--repeats 2] [--language auto|manifest]

For every talk in the manifest (one file per talk, the .ogg) it runs four variants sharing one loaded model:

  * ``raw``: plain faster-whisper, ``WhisperModel.transcribe(path)`` with its defaults;
  * ``pipeline``: probe → extract → transcribe (VAD, word timestamps) → normalize → store segments → captions +
    poster → search indexing, exactly as ``ingest_talk --sync`` does, with no glossary and ``ASR_CORRECTION=False``;
  * ``pipeline_glossary``: the same with the demo glossary (``lms.site.demo_data.GLOSSARY``) on the Chinese talks
    (the English talk gets none) and ``ASR_CORRECTION=False``;
  * ``pipeline_corrected``: the glossary and ``ASR_CORRECTION=True`` (the product's default).

Each variant runs ``--repeats`` times, interleaved (the order reverses every repeat); times are the best run. Per talk
and as means (Chinese and English apart) it prints the error rate (CER for Chinese after Simplified + numeral
normalization, WER for English), the longest stored cue, the dropped segments (``dropped_segments`` +
``dropped_non_speech`` of ``talk.asr_settings``), the corrections and the wall time; then, per Chinese talk, a
character diff of ``pipeline_corrected`` against the reference and the corrections it made (each with the edit
distance it changed). Targets, printed pass/fail and put into the JSON line that ends the output:

  (a) mean CER of ``pipeline_corrected`` on the Chinese talks ≤ 0.8 × mean CER of ``raw``;
  (b) ``pipeline_corrected`` CER ≤ ``raw`` CER on every Chinese talk;
  (c) no cue over 15 s in any pipeline variant;
  (d) summed best time of ``pipeline_corrected`` ≤ 1.10 × that of ``pipeline_glossary`` (correction on vs off).

The bench reports and exits 0 whether or not the targets are met. It works in a throwaway database and media folder
(never the dev database).
"""

import argparse
import difflib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TIME_TARGET = 1.10  # pipeline_corrected ≤ 1.10 × pipeline_glossary (summed best wall times)
CER_TARGET = 0.8  # mean CER of pipeline_corrected ≤ 0.8 × mean CER of raw (Chinese talks)
MAX_CUE_SECONDS = 15.0

VARIANTS = ("raw", "pipeline", "pipeline_glossary", "pipeline_corrected")
# Pipeline variants: (glossary on the Chinese talks, settings.ASR_CORRECTION).
PIPELINE_VARIANTS = {
    "pipeline": (False, False),
    "pipeline_glossary": (True, False),
    "pipeline_corrected": (True, True),
}


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
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--language", choices=["auto", "manifest"], default="auto",
                        help="auto: all variants detect the language (the ingest default); manifest: all are told it")
    args = parser.parse_args()
    talks_dir = Path(args.talks)
    manifest = json.loads((talks_dir / "manifest.json").read_text(encoding="utf-8"))

    workdir = Path(tempfile.mkdtemp(prefix="asr-bench-"))
    try:
        setup_django(workdir)
        return run(talks_dir, manifest, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def is_chinese(lang: str) -> bool:
    return lang.startswith(("zh", "yue"))


def pick_file(talk: dict) -> str:
    """One file per talk: the .ogg (the first file when a talk has none)."""
    return next((name for name in talk["files"] if name.lower().endswith(".ogg")), talk["files"][0])


def char_diff(ref: str, hyp: str) -> list[str]:
    """Compact substitutions/insertions/deletions between two normalized strings: ["党课→党科", "∅→的", …]."""
    ops = difflib.SequenceMatcher(None, ref, hyp, autojunk=False).get_opcodes()
    return [f"{ref[i1:i2] or '∅'}→{hyp[j1:j2] or '∅'}" for tag, i1, i2, j1, j2 in ops if tag != "equal"]


def run(talks_dir: Path, manifest: dict, args) -> int:
    from django.core.files import File
    from django.test.utils import override_settings

    from content_library.models import Talk
    from lms.site.demo_data import GLOSSARY
    from media_pipeline.asr import get_backend
    from media_pipeline.asr.faster_whisper import load_model
    from media_pipeline.correction import _corrector, correct
    from media_pipeline.pipeline import glossary_terms, submit
    from media_pipeline.textmetrics import edit_distance, normalize_en, normalize_zh

    backend = get_backend()
    model, runtime = load_model(backend.model_name, backend.device, backend.compute_type, backend.cpu_threads)
    glossary_list = glossary_terms(GLOSSARY)

    def normalize(lang: str, text: str):
        return normalize_zh(text) if is_chinese(lang) else normalize_en(text)

    def plain(path: Path, language) -> dict:
        started, cpu = time.perf_counter(), time.process_time()
        segments, _info = model.transcribe(str(path), language=language)
        cues = [(s.start, s.end, s.text) for s in segments]
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        return {"seconds": elapsed, "cpu": cpu, "text": " ".join(c[2] for c in cues),
                "longest_cue": max((e - s for s, e, _t in cues), default=0.0), "dropped": 0, "corrections": 0,
                "segments": [{"start": s, "end": e, "text": t, "raw_text": t} for s, e, t in cues]}

    def through_pipeline(path: Path, language, glossary: str, correction: bool) -> dict:
        talk = Talk(title=path.stem, language=language or "auto", glossary=glossary)
        with path.open("rb") as fh:
            talk.source_file.save(path.name, File(fh, name=path.name), save=False)
        talk.save()
        with override_settings(ASR_CORRECTION=correction):
            started, cpu = time.perf_counter(), time.process_time()
            submit(talk, sync=True)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        talk.refresh_from_db()
        if talk.status != Talk.Status.READY:
            raise SystemExit(f"pipeline failed on {path.name}: {talk.error}")
        segments = list(talk.segments.order_by("index").values("start", "end", "text", "raw_text"))
        used = talk.asr_settings or {}
        return {"seconds": elapsed, "cpu": cpu, "text": " ".join(s["text"] for s in segments),
                "longest_cue": max((s["end"] - s["start"] for s in segments), default=0.0),
                "dropped": int(used.get("dropped_segments", 0)) + int(used.get("dropped_non_speech", 0)),
                "corrections": int(used.get("corrections", 0)), "segments": segments}

    def run_variant(variant: str, path: Path, talk: dict, language) -> dict:
        if variant == "raw":
            return plain(path, language)
        use_glossary, correction = PIPELINE_VARIANTS[variant]
        glossary = GLOSSARY if use_glossary and is_chinese(talk["lang"]) else ""
        return through_pipeline(path, language, glossary, correction)

    talks = [(key, talk, talks_dir / pick_file(talk)) for key, talk in manifest.items()]

    # One-off cost of a worker process: jieba + lexicon index of the corrector for this glossary (cached after).
    started = time.perf_counter()
    _corrector(tuple(glossary_list))
    corrector_build = time.perf_counter() - started
    # Warm-up (first-call allocations in CTranslate2, PyAV, OpenCC), not measured.
    warm_key, warm_talk, warm_path = next(((k, t, p) for k, t, p in talks if is_chinese(t["lang"])), talks[0])
    for variant in ("raw", "pipeline_corrected"):
        run_variant(variant, warm_path, warm_talk, None)

    results: dict[str, dict[str, dict]] = {}
    header = (f"{'talk':<18}{'lang':>5}{'dur s':>7}  {'variant':<20}{'err':>9}{'max cue':>9}{'dropped':>9}"
              f"{'corr':>6}{'best s':>8}{'RTF':>7}{'cpu s':>8}")
    print(f"model {Path(backend.model_name).name}, {runtime['device']}/{runtime['compute_type']}, "
          f"{runtime['cpu_threads']} threads; repeats {args.repeats}; language {args.language}; "
          f"corrector build {corrector_build:.2f} s (one-off, not in the times)")
    print(header)
    print("-" * len(header))
    for key, talk, path in talks:
        language = talk["lang"] if args.language == "manifest" else None
        joiner = "" if is_chinese(talk["lang"]) else " "
        reference = joiner.join(s["text"] for s in talk["sentences"])
        ref_norm = normalize(talk["lang"], reference)
        metric = "cer" if is_chinese(talk["lang"]) else "wer"
        runs: dict[str, list[dict]] = {v: [] for v in VARIANTS}
        for repeat in range(max(args.repeats, 1)):
            # Reverse the order every other repeat so load changes on a shared machine hit all variants alike.
            order = VARIANTS if repeat % 2 == 0 else tuple(reversed(VARIANTS))
            for variant in order:
                runs[variant].append(run_variant(variant, path, talk, language))
        results[key] = {}
        for variant in VARIANTS:
            first = runs[variant][0]
            edits = edit_distance(ref_norm, normalize(talk["lang"], first["text"]))
            row = {
                "file": path.name, "lang": talk["lang"], "duration": talk["duration"], "metric": metric,
                "error": round(edits / max(len(ref_norm), 1), 4), "edits": edits, "ref_len": len(ref_norm),
                "longest_cue": round(first["longest_cue"], 2), "dropped": first["dropped"],
                "corrections": first["corrections"],
                "seconds": round(min(r["seconds"] for r in runs[variant]), 3),
                "cpu": round(min(r["cpu"] for r in runs[variant]), 3),
                "stable": all(r["text"] == first["text"] for r in runs[variant]),
                "text": first["text"], "segments": first["segments"],
            }
            row["rtf"] = round(row["seconds"] / talk["duration"], 4)
            results[key][variant] = row
            print(f"{key:<18}{talk['lang']:>5}{talk['duration']:>7.1f}  {variant:<20}"
                  f"{metric.upper():>4}{row['error']:>5.3f}{row['longest_cue']:>9.2f}{row['dropped']:>9}"
                  f"{row['corrections']:>6}{row['seconds']:>8.2f}{row['rtf']:>7.3f}{row['cpu']:>8.2f}"
                  f"{'' if row['stable'] else '  (text varied between repeats)'}")

    zh_keys = [k for k, t, _p in talks if is_chinese(t["lang"])]
    en_keys = [k for k, t, _p in talks if not is_chinese(t["lang"])]

    def mean(keys, variant, field="error"):
        return round(sum(results[k][variant][field] for k in keys) / len(keys), 4) if keys else None

    def pooled(keys, variant):
        n = sum(results[k][variant]["ref_len"] for k in keys)
        return round(sum(results[k][variant]["edits"] for k in keys) / n, 4) if n else None

    def total(variant, field="seconds"):
        return sum(results[k][variant][field] for k in results)

    print("-" * len(header))
    for label, keys, metric in (("mean zh", zh_keys, "CER"), ("mean en", en_keys, "WER")):
        if not keys:
            continue
        for variant in VARIANTS:
            print(f"{label:<18}{'':>5}{'':>7}  {variant:<20}{metric:>4}{mean(keys, variant):>5.3f}"
                  f"{max(results[k][variant]['longest_cue'] for k in keys):>9.2f}"
                  f"{sum(results[k][variant]['dropped'] for k in keys):>9}"
                  f"{sum(results[k][variant]['corrections'] for k in keys):>6}"
                  f"{sum(results[k][variant]['seconds'] for k in keys):>8.2f}")
    audio = sum(t["duration"] for _k, t, _p in talks)
    for variant in VARIANTS:
        print(f"{'all talks':<18}{'':>5}{audio:>7.1f}  {variant:<20}{'':>9}{'':>9}{'':>9}{'':>6}"
              f"{total(variant):>8.2f}{total(variant) / audio:>7.3f}{total(variant, 'cpu'):>8.2f}")

    # --- Chinese talks: where pipeline_corrected still differs from the reference, and what correction did -------
    correction_log: dict[str, list[dict]] = {}
    for key in zh_keys:
        talk = manifest[key]
        ref_norm = normalize_zh("".join(s["text"] for s in talk["sentences"]))
        corrected, glossed = results[key]["pipeline_corrected"], results[key]["pipeline_glossary"]
        print()
        print(f"{key}: pipeline_corrected vs reference (CER {corrected['error']:.3f}, "
              f"raw {results[key]['raw']['error']:.3f}, pipeline_glossary {glossed['error']:.3f})")
        print("  diff (ref→hyp): " + ", ".join(char_diff(ref_norm, normalize_zh(corrected["text"]))))
        # The corrections, recomputed per segment on the recogniser's text (the pipeline keeps it in raw_text); each
        # is applied alone to the uncorrected transcript to see how many edits against the reference it saves (-)
        # or costs (+).
        segments = corrected["segments"]
        raw_texts = [s["raw_text"] for s in segments]
        base_edits = edit_distance(ref_norm, normalize_zh("".join(raw_texts)))
        same = normalize_zh("".join(raw_texts)) == normalize_zh(glossed["text"])
        log = []
        for index, segment in enumerate(segments):
            for change in correct(segment["raw_text"], glossary_list).changes:
                alone = list(raw_texts)
                text = segment["raw_text"]
                alone[index] = text[:change.start] + change.new + text[change.end:]
                delta = edit_distance(ref_norm, normalize_zh("".join(alone))) - base_edits
                log.append({"old": change.old, "new": change.new, "source": change.term_source, "delta": delta})
        correction_log[key] = log
        counted = corrected["corrections"]
        print(f"  corrections vs pipeline_glossary ({len(log)} found, {counted} recorded; recognition "
              f"{'identical' if same else 'DIFFERS'} to pipeline_glossary; CER {glossed['error']:.3f} → "
              f"{corrected['error']:.3f}):")
        print("    " + (", ".join(f"{c['old']}→{c['new']} [{c['source']}, {c['delta']:+d}]" for c in log) or "none"))

    # --- targets ----------------------------------------------------------------------------------------------------
    raw_cer, corrected_cer = mean(zh_keys, "raw"), mean(zh_keys, "pipeline_corrected")
    per_talk_ok = {k: results[k]["pipeline_corrected"]["error"] <= results[k]["raw"]["error"] for k in zh_keys}
    longest = max(results[k][v]["longest_cue"] for k in results for v in PIPELINE_VARIANTS)
    time_ratio = total("pipeline_corrected") / total("pipeline_glossary")
    targets = {
        "a_mean_cer": bool(zh_keys) and corrected_cer <= CER_TARGET * raw_cer,
        "b_cer_per_talk": all(per_talk_ok.values()),
        "c_max_cue": longest <= MAX_CUE_SECONDS,
        "d_time_ratio": time_ratio <= TIME_TARGET,
    }
    print()
    print(f"(a) mean CER pipeline_corrected {corrected_cer} ≤ {CER_TARGET} × raw {raw_cer} "
          f"(= {round(CER_TARGET * raw_cer, 4) if raw_cer is not None else None}): "
          f"{'PASS' if targets['a_mean_cer'] else 'FAIL'}")
    print(f"(b) pipeline_corrected CER ≤ raw CER on every Chinese talk: "
          f"{'PASS' if targets['b_cer_per_talk'] else 'FAIL'} "
          + ", ".join(f"{k} {results[k]['pipeline_corrected']['error']:.3f} vs {results[k]['raw']['error']:.3f}"
                      for k in zh_keys))
    print(f"(c) longest cue in any pipeline variant {longest:.2f} s ≤ {MAX_CUE_SECONDS:.0f} s: "
          f"{'PASS' if targets['c_max_cue'] else 'FAIL'}")
    print(f"(d) time pipeline_corrected {total('pipeline_corrected'):.2f} s / pipeline_glossary "
          f"{total('pipeline_glossary'):.2f} s = {time_ratio:.3f} ≤ {TIME_TARGET}: "
          f"{'PASS' if targets['d_time_ratio'] else 'FAIL'}")

    result = {
        "bench": "asr",
        "model": Path(backend.model_name).name,
        "device": runtime["device"],
        "compute_type": runtime["compute_type"],
        "cpu_threads": runtime["cpu_threads"],
        "language": args.language,
        "repeats": args.repeats,
        "talks": len(results),
        "audio_seconds": round(audio, 2),
        "glossary": GLOSSARY,
        "corrector_build_seconds": round(corrector_build, 3),
        "per_talk": {
            key: {variant: {f: row[f] for f in ("file", "metric", "error", "edits", "ref_len", "longest_cue",
                                                "dropped", "corrections", "seconds", "cpu", "rtf", "stable")}
                  for variant, row in by_variant.items()}
            for key, by_variant in results.items()
        },
        "mean_cer_zh": {v: mean(zh_keys, v) for v in VARIANTS},
        "pooled_cer_zh": {v: pooled(zh_keys, v) for v in VARIANTS},
        "mean_wer_en": {v: mean(en_keys, v) for v in VARIANTS},
        "longest_cue": {v: max(results[k][v]["longest_cue"] for k in results) for v in VARIANTS},
        "dropped": {v: sum(results[k][v]["dropped"] for k in results) for v in VARIANTS},
        "corrections": {v: sum(results[k][v]["corrections"] for k in results) for v in VARIANTS},
        "seconds": {v: round(total(v), 3) for v in VARIANTS},
        "cpu_seconds": {v: round(total(v, "cpu"), 3) for v in VARIANTS},
        "rtf": {v: round(total(v) / audio, 4) for v in VARIANTS},
        "time_ratio": round(time_ratio, 3),
        "cpu_time_ratio": round(total("pipeline_corrected", "cpu") / total("pipeline_glossary", "cpu"), 3),
        "time_ratio_vs_raw": round(total("pipeline_corrected") / total("raw"), 3),
        "cpu_time_ratio_vs_raw": round(total("pipeline_corrected", "cpu") / total("raw", "cpu"), 3),
        "target_time_ratio": TIME_TARGET,
        "target_cer_factor": CER_TARGET,
        "target_max_cue_seconds": MAX_CUE_SECONDS,
        "cer_per_talk_ok": per_talk_ok,
        "corrections_made": {k: [f"{c['old']}→{c['new']}:{c['delta']:+d}" for c in log]
                             for k, log in correction_log.items()},
        "targets": targets,
        "all_targets_met": all(targets.values()),
    }
    print()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
