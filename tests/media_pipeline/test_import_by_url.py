"""Imports by URL cannot be turned against internal addresses (SSRF), and stay within size and time limits.

The local test server listens on 127.0.0.1, which ``http_server`` allow-lists; tests about refusals take the
allow-list away again (or point at hosts that are not on it). Where a test needs a "public" server, an
address on the loopback network is declared public for that test only (``fetch.is_public_address``).
"""

import http.server
import ipaddress
import re
import shutil
import socket
import threading

import pytest
from django.urls import reverse
from django.utils import translation

from content_library.models import Talk
from media_pipeline import fetch, media, pipeline
from media_pipeline.errors import MediaError, TransientError
from tests.factories import MemberFactory

from .conftest import make_hls, remux

pytestmark = pytest.mark.django_db

NOT_ALLOWED = "This address is not allowed"
OFF_THE_LIST = "only be imported from these hosts"
ONLY_HTTP = "Only http:// and https://"


@pytest.fixture(autouse=True)
def english(settings):
    settings.ASR_BACKEND = "tests.media_pipeline.fakes.FakeBackend"
    with translation.override("en"):
        yield


@pytest.fixture
def no_connections(monkeypatch):
    """Fail the test if anything opens an HTTP connection."""
    import http.client

    def refuse(self):
        raise AssertionError(f"a connection was opened to {self.host}:{self.port}")

    monkeypatch.setattr(http.client.HTTPConnection, "connect", refuse)


@pytest.fixture
def public_server(monkeypatch):
    """A server on 127.0.0.2 that answers every GET with a 302 to ``redirect["to"]``; for this test its
    address counts as public. Yields (base_url, redirect, requests)."""
    redirect, requests = {"to": ""}, []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            requests.append(self.path)
            self.send_response(302)
            self.send_header("Location", redirect["to"])
            self.send_header("Content-Length", "0")
            self.end_headers()

    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    except OSError:
        pytest.skip("127.0.0.2 is not available on this machine")
    real = fetch.is_public_address
    monkeypatch.setattr(fetch, "is_public_address", lambda ip: str(ip) == "127.0.0.2" or real(ip))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.2:{server.server_address[1]}", redirect, requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def port_of(base: str) -> str:
    return base.rsplit(":", 1)[1]


def download(url, tmp_path, max_bytes=10**8):
    return media.download(url, tmp_path / "download", 5, max_bytes)


def import_talk(url) -> Talk:
    talk = Talk.objects.create(title="回放", source_url=url)
    pipeline.submit(talk, sync=True)
    talk.refresh_from_db()
    return talk


def assert_reveals_no_address(message: str, *ports: str):
    """No address or port a request went to; only the configured allow-list may be named."""
    message = message.replace("these hosts: 127.0.0.1.", "these hosts: (the allow-list).")
    assert not re.search(r"\d+\.\d+\.\d+\.\d+|\[?[0-9a-f]*::[0-9a-f:]*\]?|localhost", message), message
    for port in ports:
        assert port not in message, message


# --- addresses ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2606:4700::1111", True), ("::ffff:8.8.8.8", True), ("64:ff9b::808:808", True),
    ("127.0.0.1", False), ("127.8.9.10", False), ("10.1.2.3", False), ("172.16.5.4", False),
    ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
    ("224.0.0.1", False), ("239.255.255.250", False), ("240.0.0.1", False), ("255.255.255.255", False),
    ("192.0.2.1", False), ("::1", False), ("::", False), ("fd00::1", False), ("fc00::1", False),
    ("fe80::1", False), ("fec0::1", False), ("ff02::1", False), ("::ffff:127.0.0.1", False),
    ("::ffff:169.254.169.254", False), ("::ffff:10.0.0.1", False), ("64:ff9b::a9fe:a9fe", False),
    ("2002:7f00:1::", False), ("2002:c0a8:101::1", False), ("::127.0.0.1", False), ("2001:db8::1", False),
])
def test_only_public_addresses_count_as_public(address, public):
    assert fetch.is_public_address(ipaddress.ip_address(address)) is public


def test_loopback_is_refused_without_an_allow_list_and_nothing_is_fetched(http_server, http_log, settings,
                                                                           tmp_path):
    root, base = http_server
    (root / "replay.mp4").write_bytes(b"\0" * 1000)
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = []
    port = port_of(base)
    for url in (f"{base}/replay.mp4", f"http://localhost:{port}/replay.mp4", f"http://[::1]:{port}/replay.mp4",
                f"http://2130706433:{port}/replay.mp4", f"http://127.1:{port}/replay.mp4",
                f"http://[::ffff:127.0.0.1]:{port}/replay.mp4", f"HTTP://LocalHost.:{port}/replay.mp4"):
        with pytest.raises(MediaError, match=NOT_ALLOWED) as caught:
            download(url, tmp_path)
        assert_reveals_no_address(caught.value.message, port)
    assert http_log == [], "the local server saw no request"
    assert not (tmp_path / "download").exists()


def test_pipeline_refuses_a_loopback_import(http_server, http_log, settings, media_samples):
    root, base = http_server
    shutil.copy(media_samples["short"], root / "replay.mp4")
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = []
    talk = import_talk(f"{base}/replay.mp4")
    assert talk.status == Talk.Status.FAILED
    assert talk.error == "This address is not allowed."
    assert not talk.source_file and http_log == []


@pytest.mark.parametrize("address", [
    "http://169.254.169.254/latest/meta-data/", "http://169.254.169.254:80/latest/api/token",
    "http://[::ffff:169.254.169.254]/latest/meta-data/", "http://[fd00:ec2::254]/latest/meta-data/",
    "http://10.0.0.1/replay.mp4", "https://192.168.1.1/replay.mp4", "http://0.0.0.0:8000/", "http://[::]/",
    "http://224.0.0.1/", "http://[fe80::1]/", "http://100.64.0.1/",
])
def test_internal_addresses_are_refused_without_connecting(address, settings, tmp_path, no_connections):
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = []
    with pytest.raises(MediaError, match=NOT_ALLOWED):
        download(address, tmp_path)


@pytest.mark.parametrize("address", ["file:///etc/passwd", "ftp://example.org/replay.mp4", "gopher://example.org/",
                                     "dict://127.0.0.1:11211/", "//example.org/replay.mp4"])
def test_only_http_and_https_are_fetched(address, settings, tmp_path, no_connections):
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = []
    with pytest.raises(MediaError, match=ONLY_HTTP):
        download(address, tmp_path)


def test_credentials_and_bad_ports_in_the_address_are_refused(http_server, http_log, tmp_path):
    _root, base = http_server
    port = port_of(base)
    for url in (f"http://user:secret@127.0.0.1:{port}/replay.mp4", "http://127.0.0.1:99999/replay.mp4",
                "http://127.0.0.1:0/replay.mp4", "http://127.0.0.1:port/replay.mp4"):
        with pytest.raises(MediaError, match=NOT_ALLOWED):
            download(url, tmp_path)
    assert http_log == []


# --- redirects ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "http://localhost:{port}/replay.mp4", "http://[::1]:{port}/replay.mp4", "http://169.254.169.254/latest/meta-data/",
])
def test_a_redirect_to_a_host_off_the_allow_list_is_refused(target, http_server, http_log, http_redirects,
                                                            tmp_path):
    root, base = http_server
    (root / "replay.mp4").write_bytes(b"\0" * 1000)
    http_redirects["/start.mp4"] = target.format(port=port_of(base))
    with pytest.raises(MediaError, match=OFF_THE_LIST) as caught:
        download(f"{base}/start.mp4", tmp_path)
    assert [r["path"] for r in http_log] == ["/start.mp4"], "refused at the redirect, before fetching"
    assert caught.value.message == "Replays can only be imported from these hosts: 127.0.0.1."


@pytest.mark.parametrize("target", [
    "{base}/replay.mp4", "http://localhost:{port}/replay.mp4", "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:7f00:1]:{port}/replay.mp4", "http://10.0.0.1/replay.mp4",
])
def test_a_public_host_redirecting_to_an_internal_address_is_refused(target, public_server, http_server, http_log,
                                                                     settings, tmp_path):
    root, base = http_server
    (root / "replay.mp4").write_bytes(b"\0" * 1000)
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = []
    public, redirect, requests = public_server
    redirect["to"] = target.format(base=base, port=port_of(base))
    with pytest.raises(MediaError, match=NOT_ALLOWED) as caught:
        download(f"{public}/replay.mp4", tmp_path)
    assert requests == ["/replay.mp4"] and http_log == [], "the first hop was fetched, the internal one not"
    assert_reveals_no_address(caught.value.message, port_of(base), port_of(public))


def test_redirects_to_other_schemes_are_refused(http_server, http_log, http_redirects, tmp_path):
    _root, base = http_server
    for target in ("file:///etc/passwd", f"ftp://127.0.0.1:{port_of(base)}/replay.mp4"):
        http_redirects["/start.mp4"] = target
        with pytest.raises(MediaError, match=ONLY_HTTP):
            download(f"{base}/start.mp4", tmp_path)
    assert [r["path"] for r in http_log] == ["/start.mp4", "/start.mp4"]


def test_redirects_are_followed_a_few_times_only(http_server, http_log, http_redirects, tmp_path):
    root, base = http_server
    (root / "replay.mp4").write_bytes(b"media")
    http_redirects.update({"/a": "/b", "/b": f"{base}/c", "/c": "/replay.mp4"})
    download(f"{base}/a", tmp_path)
    assert (tmp_path / "download").read_bytes() == b"media"
    http_redirects.update({"/loop1": "/loop2", "/loop2": "/loop1"})
    http_log.clear()
    with pytest.raises(MediaError, match="redirects too many times"):
        download(f"{base}/loop1", tmp_path)
    assert len(http_log) == 1 + fetch.MAX_REDIRECTS


# --- allow-list and the checked address ---------------------------------------------------------------------

def test_an_allow_listed_host_is_fetched_at_the_address_that_was_checked(http_server, http_log, monkeypatch,
                                                                         settings, tmp_path):
    """Resolved once per request; the connection goes to that address with the name in the Host header."""
    root, base = http_server
    (root / "replay.mp4").write_bytes(b"intranet replay")
    port = port_of(base)
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = "video.intranet.test, .cdn.intranet.test"  # as in the environment
    real, lookups = socket.getaddrinfo, []

    def getaddrinfo(host, *args, **kwargs):
        if str(host).endswith("intranet.test"):
            lookups.append(host)
            # A second answer would point elsewhere (DNS rebinding): it must never be asked for.
            address = "127.0.0.1" if lookups.count(host) == 1 else "192.0.2.1"
            return real(address, *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    download(f"http://video.intranet.test:{port}/replay.mp4", tmp_path)
    assert (tmp_path / "download").read_bytes() == b"intranet replay"
    assert http_log == [{"path": "/replay.mp4", "host": f"video.intranet.test:{port}"}]
    assert lookups == ["video.intranet.test"]
    download(f"http://live.cdn.intranet.test:{port}/replay.mp4", tmp_path)
    for off_list in (f"http://cdn.intranet.test.evil.test:{port}/replay.mp4", f"http://intranet.test:{port}/x.mp4",
                     f"{base}/replay.mp4"):
        with pytest.raises(MediaError, match=OFF_THE_LIST):
            download(off_list, tmp_path)
    assert len(http_log) == 2


def test_a_name_with_any_internal_address_is_refused(monkeypatch, settings, tmp_path, no_connections):
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "mixed.example.test":
            return real("8.8.8.8", port, *args, **kwargs) + real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(MediaError, match=NOT_ALLOWED):
        download("http://mixed.example.test/replay.mp4", tmp_path)


# --- size and time ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "/nolength"])
def test_a_response_larger_than_the_cap_stops_with_a_clear_error(prefix, http_server, tmp_path):
    root, base = http_server
    (root / "big.mp4").write_bytes(b"\0" * 300_000)
    with pytest.raises(MediaError, match=r"larger than the allowed 97\.7\sKB"):
        download(f"{base}{prefix}/big.mp4", tmp_path, max_bytes=100_000)
    assert not (tmp_path / "download").exists()
    assert not list(tmp_path.glob(".download.*")), "no partial file left behind"
    download(f"{base}{prefix}/big.mp4", tmp_path, max_bytes=300_000)
    assert (tmp_path / "download").stat().st_size == 300_000


def test_the_import_cap_comes_from_settings(http_server, settings, media_samples):
    root, base = http_server
    shutil.copy(media_samples["short"], root / "replay.mp4")
    settings.MEDIA_IMPORT_MAX_BYTES = 20_000
    assert media_samples["short"].stat().st_size > 20_000
    talk = import_talk(f"{base}/replay.mp4")
    assert talk.status == Talk.Status.FAILED and "larger than the allowed" in talk.error
    assert not talk.source_file


def test_the_total_time_is_limited(http_server, http_log, settings, tmp_path):
    root, base = http_server
    (root / "replay.mp4").write_bytes(b"\0" * 1000)
    settings.MEDIA_IMPORT_TOTAL_TIMEOUT = 0
    with pytest.raises(MediaError, match="took longer than allowed"):
        download(f"{base}/replay.mp4", tmp_path)
    assert http_log == []


def test_a_stalled_server_times_out_without_naming_it(settings, tmp_path):
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = ["127.0.0.1"]
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = str(listener.getsockname()[1])
        budget_read_timeout = 0.3
        with pytest.raises(TransientError) as caught:
            media.download(f"http://127.0.0.1:{port}/replay.mp4", tmp_path / "d", budget_read_timeout, 10**6)
    assert caught.value.message == "The address could not be fetched."


# --- messages and the whole pipeline ------------------------------------------------------------------------

def test_error_messages_name_no_address_or_port(http_server, http_redirects, closed_port_url, settings):
    _root, base = http_server
    closed_port = port_of(closed_port_url.rsplit("/", 1)[0])
    http_redirects["/moved.mp4"] = f"http://127.0.0.1:{closed_port}/replay.mp4"
    http_redirects["/away.mp4"] = f"http://localhost:{closed_port}/replay.mp4"
    settings.MEDIA_PIPELINE_MAX_RETRIES = 1
    errors = [import_talk(url).error for url in (closed_port_url, f"{base}/moved.mp4", f"{base}/away.mp4")]
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = []
    errors.append(import_talk(f"{base}/replay.mp4").error)
    assert errors[0] == errors[1] == "The address could not be fetched. (gave up after 2 attempts)"
    assert errors[3] == "This address is not allowed."
    for error in errors:
        assert_reveals_no_address(error, closed_port, port_of(base))


def test_import_from_an_allow_listed_host_becomes_ready(http_server, media_samples):
    root, base = http_server
    shutil.copy(media_samples["short"], root / "replay.mp4")
    talk = import_talk(f"{base}/replay.mp4")
    assert talk.status == Talk.Status.READY, talk.error
    with talk.source_file.open("rb") as fh:
        assert fh.read() == media_samples["short"].read_bytes()
    assert talk.media_info["source_file"] == talk.source_file.name, "recorded as probed"


def test_a_fetched_page_that_is_not_media_is_never_served(http_server, client):
    root, base = http_server
    (root / "replay.mp4").write_text('{"openapi": "3.0.3", "paths": {}}\n' * 50)
    talk = import_talk(f"{base}/replay.mp4")
    assert talk.status == Talk.Status.FAILED and "not audio or video" in talk.error
    assert talk.source_file, "kept for inspection"
    client.force_login(MemberFactory().user)
    assert client.get(reverse("content_library:talk-media", args=[talk.pk])).status_code == 404


# --- HLS ----------------------------------------------------------------------------------------------------

def remux_hls(url, tmp_path, max_bytes=10**9):
    dest = tmp_path / "out.mp4"
    media.remux_hls(url, dest, 5, max_bytes)
    return dest


def test_hls_playlist_and_segments_are_fetched_through_the_checks(http_server, http_log, http_redirects,
                                                                  media_samples, tmp_path):
    root, base = http_server
    make_hls(media_samples["short"], root / "live")
    http_redirects["/replay.m3u8"] = "/live/index.m3u8"  # segments resolve against the final address
    info = media.probe(remux_hls(f"{base}/replay.m3u8", tmp_path))
    assert info.has_video and info.duration == pytest.approx(8.3, abs=0.6)
    paths = [r["path"] for r in http_log]
    assert paths[:2] == ["/replay.m3u8", "/live/index.m3u8"] and "/live/seg000.ts" in paths


def test_encrypted_hls_still_imports(http_server, media_samples, tmp_path):
    root, base = http_server
    folder = root / "enc"
    folder.mkdir()
    (folder / "key.bin").write_bytes(bytes(range(16)))
    (tmp_path / "keyinfo").write_text(f"key.bin\n{folder / 'key.bin'}\n0123456789abcdef0123456789abcdef\n")
    remux(media_samples["short"], folder / "index.m3u8", fmt="hls", options={
        "hls_time": "2", "hls_playlist_type": "vod", "hls_segment_filename": str(folder / "seg%03d.ts"),
        "hls_key_info_file": str(tmp_path / "keyinfo"),
    })
    assert "#EXT-X-KEY:METHOD=AES-128" in (folder / "index.m3u8").read_text()
    info = media.probe(remux_hls(f"{base}/enc/index.m3u8", tmp_path))
    assert info.has_video and info.duration == pytest.approx(8.3, abs=0.6)


@pytest.mark.parametrize("segment", [
    "http://localhost:{port}/live/seg000.ts", "http://169.254.169.254/latest/seg000.ts",
    "http://[::1]:{port}/live/seg000.ts",
])
def test_hls_segments_off_the_allow_list_are_refused(segment, http_server, http_log, media_samples, tmp_path):
    root, base = http_server
    make_hls(media_samples["short"], root / "live")
    playlist = (root / "live" / "index.m3u8").read_text()
    (root / "live" / "evil.m3u8").write_text(playlist.replace("seg000.ts", segment.format(port=port_of(base))))
    with pytest.raises(MediaError, match=OFF_THE_LIST):
        remux_hls(f"{base}/live/evil.m3u8", tmp_path)
    assert [r["path"] for r in http_log] == ["/live/evil.m3u8"]
    assert not (tmp_path / "out.mp4").exists()


def test_hls_segments_at_internal_addresses_are_refused(public_server, http_server, http_log, media_samples,
                                                        settings, tmp_path):
    root, base = http_server
    make_hls(media_samples["short"], root / "live")
    playlist = (root / "live" / "index.m3u8").read_text()
    (root / "live" / "evil.m3u8").write_text(playlist.replace("seg000.ts", f"{base}/live/seg000.ts"))
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = []
    public, redirect, requests = public_server
    redirect["to"] = f"{base}/live/evil.m3u8"  # the public host's playlist is really served from 127.0.0.1
    with pytest.raises(MediaError, match=NOT_ALLOWED):
        remux_hls(f"{public}/replay.m3u8", tmp_path)
    assert requests == ["/replay.m3u8"] and http_log == []


def test_hls_segments_outside_http_are_refused(http_server, http_log, media_samples, tmp_path):
    root, base = http_server
    make_hls(media_samples["short"], root / "live")
    local = tmp_path / "secret.ts"
    shutil.copy(root / "live" / "seg000.ts", local)
    playlist = (root / "live" / "index.m3u8").read_text()
    (root / "live" / "evil.m3u8").write_text(playlist.replace("seg000.ts", local.as_uri()))
    with pytest.raises(MediaError, match=ONLY_HTTP):
        remux_hls(f"{base}/live/evil.m3u8", tmp_path)
    assert [r["path"] for r in http_log] == ["/live/evil.m3u8"]
    assert not (tmp_path / "out.mp4").exists()


def test_hls_download_is_capped_over_all_segments(http_server, media_samples, tmp_path):
    root, base = http_server
    make_hls(media_samples["short"], root / "live")
    with pytest.raises(MediaError, match="larger than the allowed"):
        remux_hls(f"{base}/live/index.m3u8", tmp_path, max_bytes=5_000)
    assert not (tmp_path / "out.mp4").exists()
