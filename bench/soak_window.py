#!/usr/bin/python3
"""The window soak: the real lkp-kiosk under a private Xvfb, tapped through its UI tree with
xdotool (as tests/e2e does) round after round through every screen and every language, while its
RSS, open files and threads are sampled from /proc/PID. A real lkp-store on loopback receives the
answers through the kiosk's own background sync, so that thread and libcurl run the whole time.

    bench/soak_window.py SECONDS [--languages sv,ar,ti] [--csv FILE]

A round: for each language, one resident's whole survey (every other one with larger text), with
a change of language on the way; then one start in audio mode (a long press, espeak-ng reading
aloud) left to the "still there?" prompt and its countdown; then staff mode (the held corner, the
PIN pad, the staff screen). The results slide shows on the attract screen once the store has
figures to publish.

Flat: see soak_verdict.py. The warm-up is the first whole round (every text shaped and every
glyph rasterised once), or the first 10 % of the run if that is longer. Exits 0 when flat and
every answer reached the store once, 1 when not, 2 when the kiosk could not be driven.
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soak_verdict  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PIN = "428193"


class DriveError(Exception):
    pass


def read_tree(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}  # not written yet (the kiosk replaces it atomically, so never half)


class Kiosk:
    """One kiosk in its own X server, and what a tester does with it."""

    def __init__(self, work, kiosk_bin, display):
        self.work, self.bin, self.display = work, kiosk_bin, display
        self.tree_path = os.path.join(work, "tree.json")
        self.data = os.path.join(work, "data")
        self.env = dict(os.environ, DISPLAY=display)
        self.proc = None
        self.taps = 0

    def start(self, config_text):
        conf = os.path.join(self.work, "kiosk.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(config_text)
        self.log = open(os.path.join(self.work, "kiosk.log"), "wb")
        self.proc = subprocess.Popen(
            [self.bin, "--config", conf, "--data-dir", self.data, "--ui-tree", self.tree_path,
             "--windowed", "1280x800"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_for_screen("attract", 30)

    def tree(self):
        if self.proc.poll() is not None:
            raise DriveError(f"the kiosk stopped (exit {self.proc.returncode})")
        return read_tree(self.tree_path)

    def wait_for(self, what, test, limit=20):
        until = time.monotonic() + limit
        t = {}
        while time.monotonic() < until:
            t = self.tree()
            if t and test(t):
                return t
            time.sleep(0.02)
        raise DriveError(f"{what} did not happen within {limit} s; last screen: {t.get('screen')}")

    def wait_for_screen(self, screen, limit=20):
        return self.wait_for(f"screen {screen}", lambda t: t.get("screen") == screen, limit)

    def element(self, t, id_):
        for e in t.get("elements", []):
            if e.get("id") == id_:
                return e
        return None

    def xdotool(self, *args):
        r = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True)
        if r.returncode != 0:
            raise DriveError(f"xdotool {' '.join(args)}: {r.stderr}")

    def press(self, x, y, hold):
        # `mousemove --sync` waits for the pointer to move, which it never does when it is
        # already there: every other tap lands one pixel over.
        x += self.taps % 2
        self.taps += 1
        self.xdotool("mousemove", "--sync", str(x), str(y), "mousedown", "1", "sleep", str(hold),
                     "mouseup", "1")

    def tap(self, id_):
        """A finger's tap on element `id_`, not faster than a person reads a new screen (the
        kiosk drops taps in the first 300 ms); waits for the element to be drawn."""
        time.sleep(0.4)
        t = self.wait_for(f"element {id_}", lambda t: self.element(t, id_) is not None)
        e = self.element(t, id_)
        self.press(e["x"] + e["w"] // 2, e["y"] + e["h"] // 2, 0.08)

    def tap_and_expect(self, id_, screen):
        self.tap(id_)
        return self.wait_for_screen(screen)

    def ids(self, prefix):
        return [e["id"] for e in self.tree().get("elements", []) if e.get("id", "").startswith(prefix)]

    def status(self):
        r = subprocess.run([self.bin, "status", "--data-dir", self.data, "--json"], capture_output=True, text=True)
        if r.returncode != 0:
            raise DriveError(f"lkp-kiosk status: {r.stderr}")
        return json.loads(r.stdout)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                return self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return -9
        return self.proc.returncode if self.proc else None


class Driver:
    def __init__(self, kiosk, languages, seed):
        self.k = kiosk
        self.languages = languages
        self.rng = random.Random(seed)
        self.completed = 0
        self.abandoned = 0
        self.rounds = 0

    def survey(self, lang, larger_text):
        k = self.k
        k.tap_and_expect("attract.start", "language")
        if larger_text:
            k.tap("access.large_text")
            k.wait_for("larger text", lambda t: (k.element(t, "access.large_text") or {}).get("selected", False))
        k.tap_and_expect("language." + lang, "district")
        # A change of mind about the language, through the picker every screen offers.
        other = self.rng.choice([x for x in self.languages if x != lang] or [lang])
        k.tap_and_expect("nav.language", "language_picker")
        k.tap_and_expect("language." + other, "district")
        k.tap_and_expect("nav.language", "language_picker")
        k.tap_and_expect("language." + lang, "district")
        k.tap("district.letter.S")
        # Adolfsberg, first of the whole list, goes: the list is narrowed and 041 is where it stays.
        k.wait_for("the list narrowed to S",
                   lambda t: not any(e.get("label") == "Adolfsberg" for e in t.get("elements", [])))
        t = k.tap_and_expect("district.041", "question.trygghet")
        while t["screen"].startswith("question."):
            here = t["screen"]
            options = k.ids("question.option.") + k.ids("question.decline")
            if not options:
                raise DriveError(f"no options on {here}")
            k.tap(self.rng.choice(options))
            t = k.wait_for(f"the screen after {here}", lambda t: t.get("screen") != here)
        if t["screen"] != "thanks":
            raise DriveError(f"the survey ended on {t['screen']}, not thanks")
        k.tap_and_expect("thanks.done", "attract")
        self.completed += 1

    def audio_mode_then_walk_away(self, lang):
        k = self.k
        time.sleep(0.4)
        k.press(640, 60, 2.6)  # a long press anywhere starts in audio mode
        k.wait_for_screen("language")
        k.tap("language." + lang)  # the first tap reads it out...
        k.tap_and_expect("language." + lang, "district")  # ...the second chooses
        k.wait_for_screen("still_there")  # nobody answers: the prompt, its countdown
        k.wait_for_screen("attract", 30)
        self.abandoned += 1

    def staff_visit(self):
        k = self.k
        time.sleep(0.4)
        k.press(12, 12, 3.4)  # the unmarked corner, held
        k.wait_for_screen("staff.pin")
        for d in PIN:
            k.tap("pin-" + d)
        k.tap_and_expect("pin-ok", "staff")
        k.tap_and_expect("staff-leave", "attract")

    def round(self):
        for i, lang in enumerate(self.languages):
            self.survey(lang, larger_text=(i + self.rounds) % 2 == 1)
        self.audio_mode_then_walk_away(self.languages[self.rounds % len(self.languages)])
        self.staff_visit()
        self.rounds += 1


class Sampler(threading.Thread):
    """Reads /proc/PID every `interval` seconds into `samples`."""

    def __init__(self, pid, interval):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples = []
        self.stopping = threading.Event()

    def run(self):
        t0 = time.monotonic()
        while not self.stopping.is_set():
            s = soak_verdict.sample_proc(self.pid)
            if s:
                self.samples.append((time.monotonic() - t0, *s))
            self.stopping.wait(self.interval)


def start_xvfb(work):
    r, w = os.pipe()
    log = open(os.path.join(work, "xvfb.log"), "wb")
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp",
                             "-noreset"], pass_fds=(w,), stdout=log, stderr=log)
    os.close(w)
    with os.fdopen(r) as f:
        n = f.readline().strip()
    if not n:
        raise DriveError("Xvfb did not start (apt-get install xvfb)")
    return proc, ":" + n


def start_store(work, store_bin):
    """`lkp-store serve` on a free loopback port with a SQLite database; returns (proc, url, token)."""
    db = os.path.join(work, "store.db")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(os.path.join(work, "store.log"), "wb")
    proc = subprocess.Popen([store_bin, "serve", "--listen", f"127.0.0.1:{port}", "--db", db],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    until = time.monotonic() + 15
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise DriveError("lkp-store exited at start-up")
        try:
            with urllib.request.urlopen(url + "/v1/health", timeout=1) as res:
                if res.status == 200:
                    break
        except OSError:
            time.sleep(0.05)
    else:
        raise DriveError("lkp-store did not answer /v1/health")
    r = subprocess.run([store_bin, "kiosk", "add", "soak-window", "--db", db], capture_output=True, text=True)
    if r.returncode != 0:
        raise DriveError(f"lkp-store kiosk add: {r.stderr}")
    return proc, url, r.stdout.strip().splitlines()[-1], db


def offered_languages(kiosk_bin):
    """The languages of the built-in data, from `lkp-kiosk check-config`."""
    r = subprocess.run([kiosk_bin, "check-config"], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("languages ("):
            return [w.replace("(unreviewed)", "") for w in line.split("):", 1)[1].split()]
    raise DriveError(f"lkp-kiosk check-config named no languages: {r.stdout} {r.stderr}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("seconds", type=float)
    ap.add_argument("--kiosk", default=os.path.join(REPO, "build/bin/lkp-kiosk"))
    ap.add_argument("--store", default=os.path.join(REPO, "build/bin/lkp-store"))
    ap.add_argument("--languages", help="comma-separated codes (default: every language the kiosk offers)")
    ap.add_argument("--interval", type=float, default=2.0, help="seconds between samples")
    ap.add_argument("--csv", help="write every sample here")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    for tool in ("Xvfb", "xdotool"):
        if not shutil.which(tool):
            print(f"{tool} is missing: apt-get install xvfb xdotool", file=sys.stderr)
            return 2

    work = tempfile.mkdtemp(prefix="lkp-soak-window.")
    xvfb = store = None
    kiosk = None
    # SIGTERM from a bench run's owner: clean up like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        xvfb, display = start_xvfb(work)
        store, url, token, store_db = start_store(work, args.store)
        token_file = os.path.join(work, "token")
        with open(token_file, "w") as f:
            f.write(token + "\n")
        os.chmod(token_file, 0o400)  # the kiosk wants it private
        kiosk = Kiosk(work, args.kiosk, display)
        os.makedirs(kiosk.data)
        r = subprocess.run([args.kiosk, "set-pin", "--data-dir", kiosk.data], input=PIN + "\n", text=True,
                           capture_output=True)
        if r.returncode != 0:
            raise DriveError(f"set-pin: {r.stderr}")
        # Short idle timers so the "still there?" pass is quick; burst_window 3 so answers go
        # within seconds; location 041 so the slide can show a district's figures.
        kiosk.start("kiosk_id = soak-window\nlocation = 041\nidle_timeout_seconds = 8\ncountdown_seconds = 3\n"
                    f"store_url = {url}\ntoken_file = {token_file}\nburst_window = 3\nsync_backoff_cap_seconds = 2\n")
        offered = offered_languages(args.kiosk)
        languages = args.languages.split(",") if args.languages else offered
        missing = [x for x in languages if x not in offered]
        if missing:
            raise DriveError(f"not offered: {missing} (offered: {offered})")

        sampler = Sampler(kiosk.proc.pid, args.interval)
        sampler.start()
        driver = Driver(kiosk, languages, args.seed)
        started = time.monotonic()
        first_round_s = None
        # At least two rounds: the first is the warm-up.
        while time.monotonic() - started < args.seconds or driver.rounds < 2:
            driver.round()
            if first_round_s is None:
                first_round_s = time.monotonic() - started
            last = sampler.samples[-1]
            print(f"round {driver.rounds} done at {time.monotonic() - started:.0f} s: RSS {last[1]} KiB, "
                  f"{last[2]} open files, {last[3]} threads", flush=True)
        elapsed = time.monotonic() - started
        sampler.stopping.set()
        sampler.join()
        warm_up_s = max(first_round_s, 0.1 * elapsed)

        # Every answer through the sync to the store, once.
        until = time.monotonic() + 60
        while kiosk.status()["unsent"] != 0 and time.monotonic() < until:
            time.sleep(0.5)
        status = kiosk.status()
        code = kiosk.stop()
        r = subprocess.run(["sqlite3", store_db,
                            "SELECT count(*), count(DISTINCT id) FROM responses WHERE kiosk = 'soak-window'"],
                           capture_output=True, text=True)
        stored, distinct = (int(x) for x in r.stdout.strip().split("|"))

        print(f"window soak: {elapsed:.0f} s, {driver.rounds} rounds of {len(languages)} languages "
              f"({', '.join(languages)}); first round {first_round_s:.0f} s; warm-up {warm_up_s:.0f} s")
        print(f"residents: {driver.completed} completed, {driver.abandoned} walked away; "
              f"{driver.rounds} staff visits")
        print(f"kiosk status: {status['sessions']['completed']} completed, {status['sessions']['abandoned']} "
              f"abandoned, unsent {status['unsent']}; store: {stored} answers ({distinct} distinct); "
              f"kiosk exit code {code}")
        if args.csv:
            soak_verdict.write_csv(args.csv, sampler.samples)
        try:
            flat = soak_verdict.report("kiosk (window)", sampler.samples, warm_up_s)
        except ValueError as e:
            print(f"no verdict: {e}", file=sys.stderr)
            return 2
        counts_ok = (status["sessions"]["completed"] == driver.completed and
                     status["sessions"]["abandoned"] == driver.abandoned and status["unsent"] == 0 and
                     stored == driver.completed and distinct == stored and code == 0)
        if not counts_ok:
            print("FAIL: the kiosk's counts, the store's answers or the exit code are not as driven")
        return 0 if flat and counts_ok else 1
    except DriveError as e:
        print(f"could not drive the kiosk: {e}", file=sys.stderr)
        if kiosk and kiosk.proc:
            kiosk.stop()
            with open(os.path.join(work, "kiosk.log"), encoding="utf-8", errors="replace") as f:
                sys.stderr.write("kiosk log (last lines):\n" + "".join(f.readlines()[-30:]))
        return 2
    finally:
        if kiosk:
            kiosk.stop()
        for p in (store, xvfb):
            if p and p.poll() is None:
                p.terminate()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
