#!/usr/bin/env python3
"""Regenerates the bad-input corpus in this folder.

    python3 generate.py [--binary PATH]

Three kinds of malformed input, one file per case:

  scenarios/  scenario files (YAML)        ringfence run CASE --work DIR
  channels/   binary channel files (.chan) ringfence content inspect CASE
  profiles/   OCI seccomp profiles (JSON)  ringfence sandbox run --profile CASE -- /bin/true

Every case must be refused: exit 2 (252 for `sandbox run`, its "never ran"
status) and exactly one line on stderr, `ringfence: ...`, naming the file and
the key, field or offset and what is wrong. `cases.tsv` is the manifest the
test reads (BadInputTests.swift): the case, its command's kind, its status and
a fragment its one-line error must contain. It is kept by hand, each fragment
reviewed: a new case gets its line there once its error has been read.

The channel cases start from real channel files that `ringfence content
compile` makes from the shipped rules (Scenarios/content); pass --binary to
choose the executable (default: .build/snap/debug/ringfence, then
.build/debug/ringfence). Everything else is generated here, deterministically
(seeded), so running this again gives the same bytes.

The generated files are committed: the test reads them, it does not run this.
It makes no FIFOs, devices, symbolic links or sparse files (the test makes
those at run time).
"""
import hashlib
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
CONTENT = os.path.join(REPO, "Scenarios", "content")
SECCOMP_FIXTURES = os.path.normpath(os.path.join(REPO, "..", "shared", "fixtures", "seccomp"))

MIB = 1 << 20


class Case:
    """One malformed input.

    hint: a substring the correct error must contain (what is wrong, and
    where). blame: the file the error should name (default: the case file).
    exact: use the hint itself as the manifest fragment (when the real
    message puts a machine-dependent path between the file name and the
    reason)."""

    def __init__(self, kind, path, data, hint, blame=None, exact=False):
        self.kind, self.path, self.data, self.hint = kind, path, data, hint
        self.blame = blame or os.path.basename(path)
        self.exact = exact


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

BASE = """\
# A valid scenario: each case of the corpus breaks it in one place.
name: corpus-case
description: "A valid scenario that each case breaks in one place"
seed: 291
host:
  duration: 200ms
  watchdog: 1s
  memory: 4GiB
  events:
    rate: 2000
    mix: { ipc: 0.4, process: 0.3, file: 0.2, network: 0.1 }
    malicious: 0.01
  boot:
    maxBoots: 4
    recovery: safe-mode
    knownBadListWin: 0.3
    reboot: 1m
    safeModeRepair: 15m
validator: buggy
agents:
  - name: sensor
    isolation: user
    interpreter: unsafe
    supplies: { ipc: 20 }
    profile: agent
    limits:
      memory: 256MiB
      cpu: 60s
      heartbeat: 100ms
      verdictDeadline: 250ms
      verdictCpu: 2s
      stall: 2s
    restart:
      max: 5
      window: 10s
      backoff: 10ms
      maxBackoff: 1s
    startup: 20ms
    failMode: open
    violations: notify
    rollbackWindow: 5s
    entry: agent
content:
  templates: content/templates.yaml
  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]
updates:
  - at: 100ms
    content: content/ipc-update-291.yaml
    fault: field-count-mismatch
    options:
      field: 21
      value: 'remote'
      depth: 200000
      bits: 1
      repetition: 1000
expect:
  outcome: isolated
  hostSurvived: true
  hostCrashes: 0
  maxRestarts: 1
  minDetectionRate: 0.1
  maxMissed: 100000
  failureKind: crash
  signal: SIGSEGV
  quarantined: true
  permanentlyFailed: false
"""

# Content files the scenario cases read (copied from Scenarios/content).
CONTENT_COPIES = ["templates.yaml", "ipc-baseline.yaml", "ipc-update-291.yaml", "process-baseline.yaml"]

MINIMAL = "name: corpus-case\nagents:\n  - name: sensor\n"


def sub(old, new, text=BASE):
    """`text` with the one occurrence of `old` replaced."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def subs(*pairs, text=BASE):
    for old, new in pairs:
        text = sub(old, new, text)
    return text


def agent_block(name, indent="  "):
    return f"{indent}- name: {name}\n{indent}  isolation: kernel\n"


def scenario_cases():
    cases = []
    aux = {}  # auxiliary files: relative path -> bytes

    def add(name, text, hint, **extra):
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        cases.append(Case("scenario", f"scenarios/{name}.yaml", data, hint, **extra))

    # --- unknown keys, at every level ---------------------------------------
    add("unknown-key-top", sub("seed: 291\n", "seed: 291\nsedd: 1\n"), "sedd: unknown key 'sedd'")
    add("unknown-key-top-typo-agents", sub("agents:\n", "agent:\n"), "agent: unknown key 'agent'")
    add("unknown-key-top-capitalised", sub("name: corpus-case\n", "Name: corpus-case\n"), "Name: unknown key 'Name'")
    add("unknown-key-host", sub("  watchdog: 1s\n", "  watchdog: 1s\n  cores: 4\n"), "host.cores: unknown key 'cores'")
    add("unknown-key-host-events", sub("    malicious: 0.01\n", "    malicious: 0.01\n    burst: 10\n"),
        "host.events.burst: unknown key 'burst'")
    add("unknown-key-host-boot", sub("    reboot: 1m\n", "    reboot: 1m\n    reboots: 2\n"), "host.boot.reboots: unknown key 'reboots'")
    add("unknown-key-agent", sub("    failMode: open\n", "    failMode: open\n    failmode: closed\n"),
        "agents[0].failmode: unknown key 'failmode'")
    add("unknown-key-agent-limits", sub("      stall: 2s\n", "      stall: 2s\n      disk: 1GiB\n"),
        "agents[0].limits.disk: unknown key 'disk'")
    add("unknown-key-agent-restart", sub("      maxBackoff: 1s\n", "      maxBackoff: 1s\n      jitter: 5ms\n"),
        "agents[0].restart.jitter: unknown key 'jitter'")
    add("unknown-key-content", sub("content:\n  templates:", "content:\n  updates: []\n  templates:"),
        "content.updates: unknown key 'updates'")
    add("unknown-key-update", sub("    fault: field-count-mismatch\n", "    fault: field-count-mismatch\n    faults: [bit-flip]\n"),
        "updates[0].faults: unknown key 'faults'")
    add("unknown-key-update-options", sub("      bits: 1\n", "      bits: 1\n      seed: 7\n"),
        "updates[0].options.seed: unknown key 'seed'")
    add("unknown-key-expect", sub("  hostCrashes: 0\n", "  hostCrashes: 0\n  hostCrash: 0\n"), "expect.hostCrash: unknown key 'hostCrash'")
    add("unknown-key-trailing-space", sub("seed: 291\n", "'seed ': 291\n"), "seed : unknown key 'seed '")
    add("unknown-key-number", sub("seed: 291\n", "seed: 291\n42: answer\n"), "42: unknown key '42'")
    add("unknown-key-null", sub("seed: 291\n", "seed: 291\n~: nothing\n"), "unknown key '~'")
    add("unknown-key-complex", sub("seed: 291\n", "seed: 291\n? [a, b]\n: complex\n"), "keys must be plain strings")
    add("unknown-key-10000-chars", sub("seed: 291\n", "seed: 291\n? " + "k" * 10000 + "\n: 1\n"), "unknown key 'kkkkkkkk")
    # An implicit key is at most 1024 characters in YAML.
    add("key-implicit-over-1024-chars", sub("seed: 291\n", "seed: 291\n" + "k" * 10000 + ": 1\n"), "invalid YAML: could not find expected ':'")
    add("unknown-key-unicode", sub("seed: 291\n", "seed: 291\nsëed: 1\n"), "sëed: unknown key 'sëed'")
    add("unknown-key-zero-width", sub("seed: 291\n", "se\u200bed: 291\n"), "unknown key 'se\u200bed'")
    add("unknown-key-newline", sub("seed: 291\n", "\"se\\ned\": 291\n"), "unknown key 'se")
    add("unknown-event-type-in-mix", sub("network: 0.1 }", "network: 0.1, usb: 0.2 }"), "host.events.mix.usb: unknown event type 'usb'")
    add("unknown-template-type-in-supplies", sub("supplies: { ipc: 20 }", "supplies: { ipc: 20, registry: 9 }"),
        "agents[0].supplies.registry: unknown template type 'registry'")

    # --- missing required keys ---------------------------------------------
    add("missing-name", sub("name: corpus-case\n", ""), "missing required key 'name'")
    add("missing-agents", BASE[:BASE.index("agents:\n")] + BASE[BASE.index("content:\n"):], "missing required key 'agents'")
    add("missing-agent-name", sub("  - name: sensor\n    isolation: user\n", "  - isolation: user\n"),
        "agents[0]: missing required key 'name'")
    add("missing-update-at", sub("  - at: 100ms\n    content:", "  - content:"), "updates[0]: missing required key 'at'")
    add("missing-update-content", sub("    content: content/ipc-update-291.yaml\n", ""), "updates[0]: missing required key 'content'")

    # --- wrong types -------------------------------------------------------
    add("type-name-list", sub("name: corpus-case\n", "name: [corpus, case]\n"), "name: expected a string")
    add("type-name-mapping", sub("name: corpus-case\n", "name: { first: corpus }\n"), "name: expected a string")
    add("type-agents-mapping", sub("agents:\n  - name: sensor\n", "agents:\n  sensor:\n    name: sensor\n"), "agents: expected a list")
    add("type-agents-scalar", BASE[:BASE.index("agents:\n")] + "agents: sensor\n" + BASE[BASE.index("content:\n"):],
        "agents: expected a list")
    add("type-agent-entry-scalar", MINIMAL.replace("  - name: sensor\n", "  - sensor\n"), "agents[0]: expected a mapping")
    add("type-host-list", MINIMAL + "host: [duration, 2s]\n", "host: expected a mapping")
    add("type-host-scalar", MINIMAL + "host: big\n", "host: expected a mapping")
    add("type-duration-list", sub("  duration: 200ms\n", "  duration: [200ms]\n"), "host.duration: expected a string")
    add("type-rate-word", sub("    rate: 2000\n", "    rate: fast\n"), "host.events.rate: expected a whole number")
    add("type-rate-fraction", sub("    rate: 2000\n", "    rate: 1.5\n"), "host.events.rate: expected a whole number")
    add("type-malicious-word", sub("    malicious: 0.01\n", "    malicious: high\n"), "host.events.malicious: expected a number")
    add("type-mix-list", sub("    mix: { ipc: 0.4, process: 0.3, file: 0.2, network: 0.1 }\n", "    mix: [ipc, process]\n"),
        "host.events.mix: expected a mapping")
    add("type-supplies-list", sub("supplies: { ipc: 20 }", "supplies: [ipc, 20]"), "agents[0].supplies: expected a mapping")
    add("type-supplies-word", sub("supplies: { ipc: 20 }", "supplies: { ipc: twenty }"), "agents[0].supplies.ipc: expected a whole number")
    add("type-baseline-mapping", sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n",
                                     "  baseline: { ipc: content/ipc-baseline.yaml }\n"), "content.baseline: expected a string")
    add("type-updates-mapping", sub("updates:\n  - at: 100ms\n", "updates:\n  first:\n    at: 100ms\n"), "updates: expected a list")
    add("type-update-entry-scalar", MINIMAL + "updates:\n  - content/ipc-update-291.yaml\n", "updates[0]: expected a mapping")
    add("type-boolean-yes", sub("  hostSurvived: true\n", "  hostSurvived: yes\n"), "expect.hostSurvived: expected true or false, found 'yes'")
    add("type-boolean-number", sub("  quarantined: true\n", "  quarantined: 1\n"), "expect.quarantined: expected true or false, found '1'")
    add("type-hostcrashes-word", sub("  hostCrashes: 0\n", "  hostCrashes: three\n"), "expect.hostCrashes: expected a whole number")
    add("type-maxboots-boolean", sub("    maxBoots: 4\n", "    maxBoots: true\n"), "host.boot.maxBoots: expected a whole number")
    add("type-seed-word", sub("seed: 291\n", "seed: abc\n"), "seed: expected a whole number")
    add("type-seed-fraction", sub("seed: 291\n", "seed: 1.5\n"), "seed: expected a whole number")
    add("type-option-field-word", sub("      field: 21\n", "      field: twenty-one\n"), "updates[0].options.field: expected a whole number")
    add("type-description-mapping", sub('description: "A valid scenario that each case breaks in one place"\n',
                                        "description: { text: hello }\n"), "description: expected a string")
    add("type-validator-list", sub("validator: buggy\n", "validator: [buggy, on]\n"), "validator: expected a string")
    add("type-limits-scalar", sub("    limits:\n      memory: 256MiB\n      cpu: 60s\n      heartbeat: 100ms\n      verdictDeadline: 250ms\n"
                                  "      verdictCpu: 2s\n      stall: 2s\n", "    limits: 256MiB\n"), "agents[0].limits: expected a mapping")
    add("type-restart-max-word", sub("      max: 5\n", "      max: five\n"), "agents[0].restart.max: expected a whole number")
    add("type-root-list", "- name: corpus-case\n- agents: []\n", "expected a mapping")
    add("type-root-scalar", "just a sentence\n", "expected a mapping")
    add("type-root-null", "~\n", "expected a mapping")
    add("type-binary-tag", sub("name: corpus-case\n", "name: !!binary aGVsbG8=\n"), "name:")

    # --- choices -----------------------------------------------------------
    add("choice-validator", sub("validator: buggy\n", "validator: strict\n"), "validator: 'strict' is not one of")
    add("choice-isolation", sub("    isolation: user\n", "    isolation: vm\n"), "agents[0].isolation: 'vm' is not one of")
    add("choice-interpreter", sub("    interpreter: unsafe\n", "    interpreter: jit\n"), "agents[0].interpreter: 'jit' is not one of")
    add("choice-interpreter-case", sub("    interpreter: unsafe\n", "    interpreter: Checked\n"), "agents[0].interpreter: 'Checked' is not one of")
    add("choice-failmode", sub("    failMode: open\n", "    failMode: ajar\n"), "agents[0].failMode: 'ajar' is not one of")
    add("choice-violations", sub("    violations: notify\n", "    violations: ignore\n"), "agents[0].violations: 'ignore' is not one of")
    add("choice-recovery", sub("    recovery: safe-mode\n", "    recovery: reinstall\n"), "host.boot.recovery: 'reinstall' is not one of")
    add("choice-entry", sub("    entry: agent\n", "    entry: /bin/sh\n"), "agents[0].entry: '/bin/sh' is not one of")
    add("choice-outcome", sub("  outcome: isolated\n", "  outcome: fine\n"), "expect.outcome: 'fine' is not one of")
    add("choice-bugcheck", sub("  outcome: isolated\n", "  outcome: isolated\n  bugcheck: BLUE_SCREEN\n"), "expect.bugcheck: 'BLUE_SCREEN' is not one of")
    add("choice-failurekind", sub("  failureKind: crash\n", "  failureKind: explosion\n"), "expect.failureKind: 'explosion' is not one of")
    add("choice-signal", sub("  signal: SIGSEGV\n", "  signal: SIGWHATEVER\n"), "expect.signal: 'SIGWHATEVER' is not a signal")
    add("fault-unknown", sub("    fault: field-count-mismatch\n", "    fault: stack-smash\n"), "updates[0].fault: unknown fault 'stack-smash'")
    add("fault-wrong-case", sub("    fault: field-count-mismatch\n", "    fault: Bit-Flip\n"), "updates[0].fault: unknown fault 'Bit-Flip'")
    add("fault-number", sub("    fault: field-count-mismatch\n", "    fault: 7\n"), "updates[0].fault: unknown fault '7'")
    add("fault-list", sub("    fault: field-count-mismatch\n", "    fault: [bit-flip, zeroed]\n"), "updates[0].fault: expected a string")

    # --- out-of-range numbers ---------------------------------------------
    add("range-rate-zero", sub("    rate: 2000\n", "    rate: 0\n"), "host.events.rate: 0 is out of range")
    add("range-rate-above", sub("    rate: 2000\n", "    rate: 10000001\n"), "host.events.rate: 10000001 is out of range")
    add("range-malicious-above", sub("    malicious: 0.01\n", "    malicious: 1.5\n"), "host.events.malicious: 1.5 is out of range")
    add("range-malicious-negative", sub("    malicious: 0.01\n", "    malicious: -0.1\n"), "host.events.malicious: -0.1 is out of range")
    add("range-mix-above", sub("mix: { ipc: 0.4,", "mix: { ipc: 2,"), "host.events.mix.ipc: 2.0 is out of range")
    add("range-mix-all-zero", sub("mix: { ipc: 0.4, process: 0.3, file: 0.2, network: 0.1 }", "mix: { ipc: 0, process: 0, file: 0, network: 0 }"),
        "host.events.mix: the mix must give some type a share above 0")
    add("range-maxboots-zero", sub("    maxBoots: 4\n", "    maxBoots: 0\n"), "host.boot.maxBoots: 0 is out of range")
    add("range-maxboots-above", sub("    maxBoots: 4\n", "    maxBoots: 101\n"), "host.boot.maxBoots: 101 is out of range")
    add("range-knownbadlistwin", sub("    knownBadListWin: 0.3\n", "    knownBadListWin: 1.01\n"), "host.boot.knownBadListWin: 1.01 is out of range")
    add("range-supplies-zero", sub("supplies: { ipc: 20 }", "supplies: { ipc: 0 }"), "agents[0].supplies.ipc: 0 is out of range")
    add("range-supplies-above", sub("supplies: { ipc: 20 }", "supplies: { ipc: 256 }"), "agents[0].supplies.ipc: 256 is out of range")
    add("range-restart-max", sub("      max: 5\n", "      max: 1001\n"), "agents[0].restart.max: 1001 is out of range")
    add("range-option-field-zero", sub("      field: 21\n", "      field: 0\n"), "updates[0].options.field: 0 is out of range")
    add("range-option-field-above", sub("      field: 21\n", "      field: 256\n"), "updates[0].options.field: 256 is out of range")
    add("range-option-depth", sub("      depth: 200000\n", "      depth: 1000001\n"), "updates[0].options.depth: 1000001 is out of range")
    add("range-option-bits", sub("      bits: 1\n", "      bits: 1025\n"), "updates[0].options.bits: 1025 is out of range")
    add("range-option-repetition", sub("      repetition: 1000\n", "      repetition: 0\n"), "updates[0].options.repetition: 0 is out of range")
    add("range-hostcrashes", sub("  hostCrashes: 0\n", "  hostCrashes: 1001\n"), "expect.hostCrashes: 1001 is out of range")
    add("range-hostcrashes-negative", sub("  hostCrashes: 0\n", "  hostCrashes: -1\n"), "expect.hostCrashes: -1 is out of range")
    add("range-maxrestarts", sub("  maxRestarts: 1\n", "  maxRestarts: 100001\n"), "expect.maxRestarts: 100001 is out of range")
    add("range-detection-rate", sub("  minDetectionRate: 0.1\n", "  minDetectionRate: 2\n"), "expect.minDetectionRate: 2.0 is out of range")
    add("range-seed-negative", sub("seed: 291\n", "seed: -1\n"), "seed: -1 is out of range")
    add("range-duration-zero", sub("  duration: 200ms\n", "  duration: 0s\n"), "host.duration: 0s is out of range")
    add("range-duration-over-a-week", sub("  duration: 200ms\n", "  duration: 169h\n"), "host.duration: 169h is out of range")
    add("range-update-at-over-a-week", sub("  - at: 100ms\n", "  - at: 10081m\n"), "updates[0].at: 10081m is out of range")
    add("range-watchdog-short", sub("  watchdog: 1s\n", "  watchdog: 10ms\n"), "host.watchdog: 10ms is out of range")
    add("range-verdictcpu-short", sub("      verdictCpu: 2s\n", "      verdictCpu: 50ms\n"), "agents[0].limits.verdictCpu: 50ms is out of range")
    add("range-cpu-zero", sub("      cpu: 60s\n", "      cpu: 0s\n"), "agents[0].limits.cpu: 0s is out of range")
    add("range-cpu-over-a-day", sub("      cpu: 60s\n", "      cpu: 25h\n"), "agents[0].limits.cpu: 25h is out of range")
    add("range-host-memory-small", sub("  memory: 4GiB\n", "  memory: 1MiB\n"), "host.memory: 1MiB is out of range")
    add("range-host-memory-large", sub("  memory: 4GiB\n", "  memory: 65GiB\n"), "host.memory: 65GiB is out of range")
    add("range-agent-memory-small", sub("      memory: 256MiB\n", "      memory: 1MiB\n"), "agents[0].limits.memory: 1MiB is out of range")
    add("range-agent-memory-zero", sub("      memory: 256MiB\n", "      memory: 0\n"), "agents[0].limits.memory: 0 is out of range")

    # --- huge numbers ------------------------------------------------------
    big = "99999999999999999999999"
    add("huge-rate-1e400", sub("    rate: 2000\n", "    rate: 1e400\n"), "host.events.rate: expected a whole number")
    add("huge-rate-digits", sub("    rate: 2000\n", f"    rate: {big}\n"), "host.events.rate:")
    add("huge-seed-digits", sub("seed: 291\n", f"seed: {big}\n"), "seed:")
    add("huge-seed-1e400", sub("seed: 291\n", "seed: 1e400\n"), "seed: expected a whole number")
    add("huge-malicious-1e400", sub("    malicious: 0.01\n", "    malicious: 1e400\n"), "host.events.malicious: expected a number")
    add("huge-detection-rate-digits", sub("  minDetectionRate: 0.1\n", f"  minDetectionRate: {big}\n"), "expect.minDetectionRate:")
    add("huge-maxmissed-digits", sub("  maxMissed: 100000\n", f"  maxMissed: {big}\n"), "expect.maxMissed:")
    add("huge-duration-1e400", sub("  duration: 200ms\n", "  duration: 1e400s\n"), "host.duration: '1e400s' is not a duration")
    add("huge-duration-digits", sub("  duration: 200ms\n", f"  duration: {big}s\n"), f"host.duration: {big}s is out of range")
    add("huge-duration-1e300h", sub("  duration: 200ms\n", "  duration: 1e300h\n"), "host.duration: 1e300h is out of range")
    add("huge-update-at-digits", sub("  - at: 100ms\n", f"  - at: {big}ms\n"), f"updates[0].at: {big}ms is out of range")
    add("huge-restart-window-digits", sub("      window: 10s\n", f"      window: {big}h\n"), f"agents[0].restart.window: {big}h is out of range")
    add("huge-heartbeat-1e20", sub("      heartbeat: 100ms\n", "      heartbeat: 1e20s\n"), "agents[0].limits.heartbeat: 1e20s is out of range")
    add("huge-watchdog-1e400", sub("  watchdog: 1s\n", "  watchdog: 1e400s\n"), "host.watchdog: '1e400s' is not a duration")
    add("huge-cpu-digits", sub("      cpu: 60s\n", f"      cpu: {big}s\n"), f"agents[0].limits.cpu: {big}s is out of range")
    add("huge-host-memory-1e400", sub("  memory: 4GiB\n", "  memory: 1e400GiB\n"), "host.memory: '1e400GiB' is not a size")
    add("huge-host-memory-digits", sub("  memory: 4GiB\n", f"  memory: {big}\n"), f"host.memory: '{big}' is not a size")
    add("huge-agent-memory-digits-mib", sub("      memory: 256MiB\n", f"      memory: {big}MiB\n"), f"agents[0].limits.memory: '{big}MiB' is not a size")
    add("huge-option-depth-digits", sub("      depth: 200000\n", f"      depth: {big}\n"), "updates[0].options.depth:")

    # --- negative durations and sizes -------------------------------------
    add("negative-duration", sub("  duration: 200ms\n", "  duration: -1s\n"), "host.duration: '-1s' is not a duration")
    add("negative-update-at", sub("  - at: 100ms\n", "  - at: -100ms\n"), "updates[0].at: '-100ms' is not a duration")
    add("negative-reboot", sub("    reboot: 1m\n", "    reboot: -1m\n"), "host.boot.reboot: '-1m' is not a duration")
    add("negative-heartbeat", sub("      heartbeat: 100ms\n", "      heartbeat: -5ms\n"), "agents[0].limits.heartbeat: '-5ms' is not a duration")
    add("negative-agent-memory", sub("      memory: 256MiB\n", "      memory: -256MiB\n"), "agents[0].limits.memory: '-256MiB' is not a size")
    add("negative-host-memory", sub("  memory: 4GiB\n", "  memory: -4GiB\n"), "host.memory: '-4GiB' is not a size")
    add("negative-host-memory-bytes", sub("  memory: 4GiB\n", "  memory: -4294967296\n"), "host.memory: '-4294967296' is not a size")
    add("negative-watchdog", sub("  watchdog: 1s\n", "  watchdog: -1s\n"), "host.watchdog: '-1s' is not a duration")
    add("negative-verdictcpu", sub("      verdictCpu: 2s\n", "      verdictCpu: -2s\n"), "agents[0].limits.verdictCpu: '-2s' is not a duration")
    add("negative-stall", sub("      stall: 2s\n", "      stall: -1s\n"), "agents[0].limits.stall: '-1s' is not a duration")
    add("negative-cpu", sub("      cpu: 60s\n", "      cpu: -60s\n"), "agents[0].limits.cpu: '-60s' is not a duration")
    add("negative-backoff", sub("      backoff: 10ms\n", "      backoff: -10ms\n"), "agents[0].restart.backoff: '-10ms' is not a duration")
    add("negative-rollback-window", sub("    rollbackWindow: 5s\n", "    rollbackWindow: -5s\n"), "agents[0].rollbackWindow: '-5s' is not a duration")
    add("negative-startup", sub("    startup: 20ms\n", "    startup: -20ms\n"), "agents[0].startup: '-20ms' is not a duration")

    # --- bad units ---------------------------------------------------------
    add("unit-duration-seconds-word", sub("  duration: 200ms\n", "  duration: 2 seconds\n"), "host.duration: '2 seconds' is not a duration")
    add("unit-duration-days", sub("  duration: 200ms\n", "  duration: 2d\n"), "host.duration: '2d' is not a duration")
    add("unit-duration-none", sub("  duration: 200ms\n", "  duration: 200\n"), "host.duration: '200' is not a duration")
    add("unit-duration-nanoseconds", sub("  - at: 100ms\n", "  - at: 100ns\n"), "updates[0].at: '100ns' is not a duration")
    add("unit-duration-two-points", sub("      window: 10s\n", "      window: 1.5.5s\n"), "agents[0].restart.window: '1.5.5s' is not a duration")
    add("unit-duration-iso8601", sub("    safeModeRepair: 15m\n", "    safeModeRepair: PT15M\n"), "host.boot.safeModeRepair: 'PT15M' is not a duration")
    add("unit-duration-nan", sub("      verdictDeadline: 250ms\n", "      verdictDeadline: nanms\n"), "agents[0].limits.verdictDeadline: 'nanms' is not a duration")
    add("unit-duration-infinity", sub("      verdictCpu: 2s\n", "      verdictCpu: infs\n"), "agents[0].limits.verdictCpu: 'infs' is not a duration")
    add("unit-cpu-no-unit", sub("      cpu: 60s\n", "      cpu: 60\n"), "agents[0].limits.cpu: '60' is not a duration")
    add("unit-size-lowercase", sub("      memory: 256MiB\n", "      memory: 256mib\n"), "agents[0].limits.memory: '256mib' is not a size")
    add("unit-size-terabytes", sub("  memory: 4GiB\n", "  memory: 1TB\n"), "host.memory: '1TB' is not a size")
    add("unit-size-gi", sub("  memory: 4GiB\n", "  memory: 4Gi\n"), "host.memory: '4Gi' is not a size")
    add("unit-size-word", sub("      memory: 256MiB\n", "      memory: lots\n"), "agents[0].limits.memory: 'lots' is not a size")
    add("unit-size-nan", sub("      memory: 256MiB\n", "      memory: nanMiB\n"), "agents[0].limits.memory: 'nanMiB' is not a size")
    add("unit-size-infinity", sub("      memory: 256MiB\n", "      memory: infMiB\n"), "agents[0].limits.memory: 'infMiB' is not a size")
    add("unit-size-newline", sub("      memory: 256MiB\n", "      memory: \"256\\nMiB\"\n"), "agents[0].limits.memory: '256")
    add("unit-duration-newline", sub("  duration: 200ms\n", "  duration: \"200\\nms\"\n"), "host.duration: '200")

    # --- names -------------------------------------------------------------
    add("name-empty", sub("name: corpus-case\n", "name: ''\n"), "name: a name is 1 to 100")
    add("name-101-chars", sub("name: corpus-case\n", "name: " + "n" * 101 + "\n"), "name: a name is 1 to 100")
    add("name-10000-chars", sub("name: corpus-case\n", "name: " + "n" * 10000 + "\n"), "name: a name is 1 to 100")
    add("name-slash", sub("name: corpus-case\n", "name: corpus/case\n"), "name: a name is 1 to 100")
    add("name-dotdot-slash", sub("name: corpus-case\n", "name: ../../etc\n"), "name: a name is 1 to 100")
    add("name-space", sub("name: corpus-case\n", "name: corpus case\n"), "name: a name is 1 to 100")
    add("name-nul-escape", sub("name: corpus-case\n", "name: \"corpus\\0case\"\n"), "name: a name is 1 to 100")
    add("name-newline", sub("name: corpus-case\n", "name: \"corpus\\ncase\"\n"), "name: a name is 1 to 100")
    # 100 characters, but 400 bytes: too long for a file name (255 bytes), and names become folder names.
    add("name-100-chars-400-bytes", sub("name: corpus-case\n", "name: " + "\U0001D49C" * 100 + "\n"), "name: a name is 1 to 100")
    add("agent-name-slash", sub("  - name: sensor\n", "  - name: sen/sor\n"), "agents[0].name: a name is 1 to 100")
    add("agent-name-101-chars", sub("  - name: sensor\n", "  - name: " + "a" * 101 + "\n"), "agents[0].name: a name is 1 to 100")
    add("agent-name-10000-chars", sub("  - name: sensor\n", "  - name: " + "a" * 10000 + "\n"), "agents[0].name: a name is 1 to 100")
    add("agent-name-space", sub("  - name: sensor\n", "  - name: my sensor\n"), "agents[0].name: a name is 1 to 100")
    add("agent-name-empty", sub("  - name: sensor\n", "  - name: \"\"\n"), "agents[0].name: a name is 1 to 100")

    # --- agents ------------------------------------------------------------
    add("agents-empty", BASE[:BASE.index("agents:\n")] + "agents: []\n" + BASE[BASE.index("content:\n"):],
        "agents: a scenario needs at least one agent")
    add("agents-null", BASE[:BASE.index("agents:\n")] + "agents:\n" + BASE[BASE.index("content:\n"):], "agents: expected a list")
    add("agents-duplicate-name", sub("content:\n", "  - name: sensor\n    isolation: kernel\ncontent:\n"),
        "agents[1].name: duplicate agent name 'sensor'")
    add("agents-duplicate-name-third", MINIMAL.replace("  - name: sensor\n", agent_block("a") + agent_block("b") + agent_block("a")),
        "agents[2].name: duplicate agent name 'a'")
    many73 = "".join(agent_block(f"agent-{i}") for i in range(73))
    add("agents-73", "name: corpus-case\nagents:\n" + many73, "agents: 73 entries; the limit is 72")
    many100 = "".join(agent_block(f"agent-{i}") for i in range(100))
    add("agents-100", "name: corpus-case\nagents:\n" + many100, "agents: 100 entries; the limit is 72")

    # --- updates -----------------------------------------------------------
    one = "  - at: 100ms\n    content: content/ipc-update-291.yaml\n"
    add("updates-1001", MINIMAL + "updates:\n" + one * 1001, "updates: 1001 entries; the limit is 1000")
    add("updates-content-directory", sub("    content: content/ipc-update-291.yaml\n", "    content: content\n"),
        "/content: not a regular file (a directory)", exact=True)
    add("updates-content-missing", sub("    content: content/ipc-update-291.yaml\n", "    content: content/ipc-update-292.yaml\n"),
        "updates[0].content: no such file")
    add("updates-content-empty", sub("    content: content/ipc-update-291.yaml\n", "    content: ''\n"), "/scenarios: not a regular file (a directory)", exact=True)
    add("updates-option-value-list", sub("      value: 'remote'\n", "      value: [remote]\n"), "updates[0].options.value: expected a string")

    # --- paths out of the tree ---------------------------------------------
    add("path-baseline-etc-shadow", sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n", "  baseline: [/etc/shadow]\n"),
        "content.baseline[0]: /etc/shadow: outside the folders it may read")
    add("path-baseline-etc-passwd-scalar", sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n", "  baseline: /etc/passwd\n"),
        "content.baseline: /etc/passwd: outside the folders it may read")
    add("path-templates-dotdot-4", sub("  templates: content/templates.yaml\n", "  templates: ../../../../etc/passwd\n"),
        "content.templates:")
    add("path-templates-dotdot-20", sub("  templates: content/templates.yaml\n", "  templates: " + "../" * 20 + "etc/passwd\n"),
        "../etc/passwd: outside the folders it may read", exact=True)
    add("path-update-content-etc-passwd", sub("    content: content/ipc-update-291.yaml\n", "    content: /etc/passwd\n"),
        "updates[0].content: /etc/passwd: outside the folders it may read")
    add("path-profile-etc-passwd", sub("    profile: agent\n", "    profile: /etc/passwd\n"),
        "agents[0].profile: /etc/passwd: outside the folders it may read")
    add("path-profile-dotdot-4", sub("    profile: agent\n", "    profile: ../../../../etc/passwd\n"), "agents[0].profile:")
    add("path-profile-dotdot-20", sub("    profile: agent\n", "    profile: " + "../" * 20 + "etc/passwd\n"),
        "../etc/passwd: outside the folders it may read", exact=True)
    add("path-profile-unknown-name", sub("    profile: agent\n", "    profile: nosuchprofile\n"),
        "agents[0].profile: no shipped profile 'nosuchprofile'")
    add("path-profile-shipped-with-extension", sub("    profile: agent\n", "    profile: agent.json\n"), "agents[0].profile: no such file")
    add("path-profile-proc", sub("    profile: agent\n", "    profile: /proc/self/status\n"),
        "agents[0].profile: /proc/self/status: outside the folders it may read")
    add("path-baseline-dev-null", sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n", "  baseline: [/dev/null]\n"),
        "content.baseline[0]: /dev/null: not a regular file")
    add("path-baseline-dev-zero", sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n", "  baseline: [/dev/zero]\n"),
        "content.baseline[0]: /dev/zero: not a regular file")
    add("path-baseline-proc-self-mem", sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n", "  baseline: [/proc/self/mem]\n"),
        "content.baseline[0]: /proc/self/mem:")
    add("path-baseline-root", sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n", "  baseline: [/]\n"),
        "content.baseline[0]: /: not a regular file")
    add("path-baseline-own-folder", sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n", "  baseline: [.]\n"),
        "/.: not a regular file (a directory)", exact=True)
    add("path-templates-missing", sub("  templates: content/templates.yaml\n", "  templates: content/no-such-templates.yaml\n"),
        "content.templates: no such file")
    add("path-templates-nul", sub("  templates: content/templates.yaml\n", "  templates: \"content/templates.yaml\\0../../etc/passwd\"\n"),
        "content.templates:")
    add("path-baseline-etc-shadow-many", sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n",
                                             "  baseline: [content/ipc-baseline.yaml, /etc/hostname, /etc/shadow]\n"),
        "content.baseline[1]: /etc/hostname: outside the folders it may read")
    add("path-baseline-self", sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n",
                                  "  baseline: [path-baseline-self.yaml]\n"), "unknown key 'name'")

    # --- malformed content files the scenario names ------------------------
    def rules(name, text, hint, where="baseline"):
        aux[f"scenarios/content/{name}.yaml"] = text.encode("utf-8")
        if where == "baseline":
            scenario = sub("  baseline: [content/ipc-baseline.yaml, content/process-baseline.yaml]\n",
                           f"  baseline: [content/ipc-baseline.yaml, content/{name}.yaml]\n")
        else:
            scenario = sub("    content: content/ipc-update-291.yaml\n", f"    content: content/{name}.yaml\n")
        add(f"content-{name}", scenario, hint, blame=f"{name}.yaml")

    head = "channel: 291\ntemplate: ipc\ntemplates: templates.yaml\nversion: 3\nchecksum: crc32c\n"
    inst = "instances:\n  - id: 900\n    action: alert\n    match:\n      pipe_name: 'x'\n"
    rules("bad-rules-unknown-key", head + "priority: high\n" + inst, "priority: unknown key 'priority'")
    rules("bad-rules-unknown-template", head.replace("template: ipc", "template: usb") + inst, "template: unknown template type")
    rules("bad-rules-bad-regex", head + inst.replace("pipe_name: 'x'", "pipe_name: { regex: '(unclosed' }"),
          "instances[0].match.pipe_name.regex: invalid regex")
    rules("bad-rules-unknown-field", head + inst.replace("pipe_name: 'x'", "field22: 'x'"), "instances[0].match.field22: unknown field 'field22'")
    rules("bad-rules-unknown-action", head + inst.replace("action: alert", "action: delete"), "instances[0].action: 'delete' is not one of")
    rules("bad-rules-duplicate-id", head + inst + "  - id: 900\n    match:\n      pipe_name: 'y'\n", "instances[1]: instance id 900 is used twice",
          where="update")
    rules("bad-rules-extends-etc-passwd", head + "extends: /etc/passwd\n" + inst, "extends: /etc/passwd: outside the folders it may read",
          where="update")
    rules("bad-rules-templates-etc-passwd", head.replace("templates: templates.yaml", "templates: /etc/passwd") + inst,
          "templates: /etc/passwd: outside the folders it may read")
    rules("bad-rules-extends-itself", head + "extends: bad-rules-extends-itself.yaml\n" + inst, "extends: 'extends' chains deeper than 4 files",
          where="update")
    rules("bad-rules-two-criteria-forms", head + inst.replace("pipe_name: 'x'", "pipe_name: { equals: a, regex: b }"),
          "instances[0].match.pipe_name: a criterion needs exactly one of")
    rules("bad-rules-channel-zero", head.replace("channel: 291", "channel: 0") + inst, "channel: 0 is out of range")
    rules("bad-rules-not-yaml", "channel: [291\n", "invalid YAML")
    rules("bad-rules-wrong-kind-scenario", BASE, "unknown key 'name'")

    # A malformed template definitions file named by a rules file the scenario names.
    aux["scenarios/content/bad-templates-duplicate-id.yaml"] = b"types:\n  ipc: { id: 1, fields: 21 }\n  process: { id: 1, fields: 14 }\n"
    rules("bad-rules-bad-templates", head.replace("templates: templates.yaml", "templates: bad-templates-duplicate-id.yaml") + inst,
          "types.process.id: template type id 1 is defined twice")
    cases[-1].blame = "bad-templates-duplicate-id.yaml"

    # The scenario's own `templates:` file, malformed.
    aux["scenarios/content/bad-templates-not-yaml.yaml"] = b"types: { ipc: { id: 1, fields: 21 }\n"
    add("content-templates-not-yaml", sub("  templates: content/templates.yaml\n", "  templates: content/bad-templates-not-yaml.yaml\n"),
        "invalid YAML", blame="bad-templates-not-yaml.yaml")
    aux["scenarios/content/bad-templates-fields-zero.yaml"] = b"types:\n  ipc: { id: 1, fields: 0 }\n"
    add("content-templates-fields-zero", sub("  templates: content/templates.yaml\n", "  templates: content/bad-templates-fields-zero.yaml\n"),
        "types.ipc.fields: 0 is out of range", blame="bad-templates-fields-zero.yaml")
    # A rules file given as the template definitions.
    add("content-templates-wrong-kind", sub("  templates: content/templates.yaml\n", "  templates: content/ipc-baseline.yaml\n"),
        "unknown key 'channel'", blame="ipc-baseline.yaml")

    # --- malformed profiles next to the scenario ---------------------------
    def profile(name, text, hint):
        aux[f"scenarios/{name}.json"] = text.encode("utf-8")
        add(f"profile-{name}", sub("    profile: agent\n", f"    profile: {name}.json\n"), hint, blame=f"{name}.json")

    profile("bad-profile-not-json", "defaultAction: SCMP_ACT_KILL\n", "not valid JSON")
    profile("bad-profile-unknown-key", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "defaultActon": "SCMP_ACT_ALLOW"}\n',
            "defaultActon: unknown key")
    profile("bad-profile-permissive", '{"defaultAction": "SCMP_ACT_ALLOW"}\n', "permissive profile (defaultAction SCMP_ACT_ALLOW")
    profile("bad-profile-unknown-syscall", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["frobnicate"], "action": "SCMP_ACT_ALLOW"}]}\n',
            "unknown syscall names: frobnicate")
    profile("bad-profile-truncated", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["read"', "not valid JSON")
    profile("bad-profile-empty", "", "not valid JSON")

    # --- encoding ----------------------------------------------------------
    add("empty", b"", "file is empty")
    add("only-spaces", b"   \n\n \n  \n", "file is empty")
    add("only-comments", b"# nothing here\n# at all\n", "file is empty")
    add("only-document-marker", b"---\n", "expected a mapping")
    add("only-document-end", b"...\n", "invalid YAML")
    add("nul-in-value", BASE.encode().replace(b"name: corpus-case", b"name: corpus\x00case"), "invalid YAML")
    add("nul-at-end", BASE.encode() + b"\x00", "invalid YAML")
    add("nul-in-comment", BASE.encode().replace(b"# A valid scenario", b"# A valid\x00 scenario"), "invalid YAML")
    add("nul-only", b"\x00" * 64, "invalid YAML")
    add("utf8-invalid-byte", BASE.encode().replace(b"name: corpus-case", b"name: corpus\xffcase"), "file is not UTF-8")
    add("utf8-overlong-slash", BASE.encode().replace(b"content/templates.yaml", b"content\xc0\xaftemplates.yaml"), "file is not UTF-8")
    add("utf8-surrogate", BASE.encode().replace(b"name: corpus-case", b"name: corpus\xed\xa0\x80case"), "file is not UTF-8")
    add("utf8-truncated-at-end", BASE.encode() + b"# \xe2\x82", "file is not UTF-8")
    add("utf8-latin1", BASE.encode().replace(b"A valid scenario", b"A valid sc\xe9nario"), "file is not UTF-8")
    add("bom-utf16le", b"\xff\xfe" + BASE.encode("utf-16-le"), "file is not UTF-8")
    add("bom-utf16be", b"\xfe\xff" + BASE.encode("utf-16-be"), "file is not UTF-8")
    add("bom-utf32le", b"\xff\xfe\x00\x00" + BASE.encode("utf-32-le"), "file is not UTF-8")
    add("bom-inside-key", sub("seed: 291\n", "\ufeffseed: 291\n"), "invalid YAML")
    add("bom-then-garbage", b"\xef\xbb\xbf{{{", "invalid YAML")
    add("tab-indentation", sub("  duration: 200ms\n", "\tduration: 200ms\n"), "invalid YAML")
    add("tab-indentation-nested", sub("      stall: 2s\n", "    \tstall: 2s\n"), "invalid YAML")

    # --- YAML structure ----------------------------------------------------
    add("duplicate-key-top", sub("seed: 291\n", "seed: 291\nseed: 292\n"), "duplicate key")
    add("duplicate-key-name", sub("seed: 291\n", "seed: 291\nname: other\n"), "duplicate key")
    add("duplicate-key-host", sub("  watchdog: 1s\n", "  watchdog: 1s\n  duration: 1s\n"), "duplicate key")
    add("duplicate-key-agent", sub("    failMode: open\n", "    failMode: open\n    isolation: kernel\n"), "duplicate key")
    add("duplicate-key-flow", sub("supplies: { ipc: 20 }", "supplies: { ipc: 20, ipc: 21 }"), "duplicate key")
    add("duplicate-key-quoted", sub("seed: 291\n", "seed: 291\n\"seed\": 292\n"), "duplicate key")
    add("syntax-unclosed-flow", sub("mix: { ipc: 0.4, process: 0.3, file: 0.2, network: 0.1 }", "mix: { ipc: 0.4, process: 0.3"), "invalid YAML")
    add("syntax-unclosed-quote", sub('description: "A valid scenario that each case breaks in one place"\n', 'description: "A valid scenario\n'),
        "invalid YAML")
    add("syntax-bad-indentation", sub("  watchdog: 1s\n", "   watchdog: 1s\n"), "invalid YAML")
    add("syntax-double-colon", sub("seed: 291\n", "seed: : 291\n"), "invalid YAML")
    add("syntax-two-documents", BASE + "---\n" + BASE, "invalid YAML")
    add("syntax-directive", "%YAML 9.9\n---\n" + BASE, "invalid YAML")
    add("syntax-undefined-alias", sub("  signal: SIGSEGV\n", "  signal: *sig\n"), "invalid YAML: found undefined alias")
    add("syntax-unknown-tag-handle", sub("name: corpus-case\n", "name: !x!y corpus-case\n"), "invalid YAML")

    # --- anchors and aliases ---------------------------------------------------
    def laughs(prefix, indent, width=10, levels=9):
        lines = [f'{indent}{prefix}0: &{prefix}0 "lol"']
        for level in range(1, levels + 1):
            refs = ", ".join([f"*{prefix}{level - 1}"] * width)
            lines.append(f"{indent}{prefix}{level}: &{prefix}{level} [{refs}]")
        return "\n".join(lines) + "\n"

    add("alias-bomb-top", laughs("lol", "") + BASE, "document expands to more than 100000 nodes")
    add("alias-bomb-description", sub('description: "A valid scenario that each case breaks in one place"\n',
                                      "description:\n" + laughs("lol", "  ")), "document expands to more than 100000 nodes")
    add("alias-bomb-agents", "x: &a\n" + agent_block("a") + laughs("b", "", levels=6).replace('"lol"', "[*a]") +
        "name: corpus-case\nagents: *b6\n", "document expands to more than 100000 nodes")
    add("alias-bomb-as-key", sub('description: "A valid scenario that each case breaks in one place"\n',
                                 "description:\n" + laughs("lol", "  ") + "  ? *lol9\n  : key\n"),
        "document expands to more than 100000 nodes")
    add("alias-bomb-wide", "a: &a [" + ", ".join(["x"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 1000) + "]\n" + MINIMAL,
        "document expands to more than 100000 nodes")
    add("alias-merge-key", sub("  watchdog: 1s\n", "  <<: { bogus: 1 }\n  watchdog: 1s\n"), "host")
    add("alias-agent-reused", sub("agents:\n  - name: sensor\n", "agents:\n  - &first\n    name: sensor\n").replace(
        "content:\n", "  - *first\ncontent:\n", 1), "duplicate agent name 'sensor'")

    # --- nesting -----------------------------------------------------------
    add("nesting-flow-65", sub('description: "A valid scenario that each case breaks in one place"\n',
                               "description: " + "[" * 65 + "]" * 65 + "\n"), "nesting deeper than 64 levels")
    add("nesting-flow-100", sub('description: "A valid scenario that each case breaks in one place"\n',
                                "description: " + "[" * 100 + "]" * 100 + "\n"), "nesting deeper than 64 levels")
    add("nesting-flow-mapping-100", MINIMAL + "expect: " + "{a: " * 100 + "1" + "}" * 100 + "\n", "nesting deeper than 64 levels")
    add("nesting-flow-open-100000", MINIMAL + "seed: " + "[" * 100_000 + "\n", "nesting deeper than 64 levels")
    # 2,000,000 bytes of brackets: the file is over the 1 MiB cap before its depth matters.
    add("nesting-flow-1000000-too-large", "seed: " + "[" * 1_000_000 + "]" * 1_000_000 + "\n", "1 MiB")
    add("nesting-block-mapping-65", MINIMAL + "expect:\n" + "".join("  " * (level + 1) + "a:\n" for level in range(64)) +
        "  " * 65 + "a: 1\n", "nesting deeper than 64 levels")
    add("nesting-block-mapping-66-description", MINIMAL + "description:\n" + "".join("  " * (level + 1) + "a:\n" for level in range(66)) +
        "  " * 67 + "a: 1\n", "nesting deeper than 64 levels")
    add("nesting-block-sequence-65", MINIMAL + "description:\n" + "".join("  " * level + "-\n" for level in range(65)) + "  " * 65 + "- x\n",
        "nesting deeper than 64 levels")
    add("nesting-compact-sequence-65", MINIMAL + "description:\n" + "- " * 66 + "x\n", "nesting deeper than 64 levels")
    add("nesting-compact-sequence-20000", MINIMAL + "description:\n" + "- " * 20_000 + "x\n", "nesting")
    # A plain scalar with an apostrophe, then deep flow nesting: a depth check that tracks quotes must not be fooled.
    add("nesting-after-apostrophe", "name: corpus-case\ndescription: it's deep\nagents:\n  - name: sensor\nexpect: " +
        "[" * 500 + "]" * 500 + "\n", "nesting deeper than 64 levels")
    add("nesting-after-escaped-quote", "name: corpus-case\ndescription: \"a \\\" quote\"\nagents:\n  - name: sensor\nexpect: " +
        "[" * 500 + "]" * 500 + "\n", "nesting deeper than 64 levels")
    add("nesting-after-apostrophe-20000", "name: corpus-case\ndescription: it's deep\nagents:\n  - name: sensor\nexpect: " +
        "[" * 20_000 + "]" * 20_000 + "\n", "nesting")


    return cases, aux


# ---------------------------------------------------------------------------
# Channel files
# ---------------------------------------------------------------------------

def crc32c(data):
    crc = 0xFFFFFFFF
    table = _crc32c_table()
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


_TABLE = []


def _crc32c_table():
    if not _TABLE:
        for n in range(256):
            c = n
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            _TABLE.append(c)
    return _TABLE


TRAILER = {0: 0, 1: 4, 2: 32}


def trailer(kind, data):
    if kind == 1:
        return struct.pack("<I", crc32c(data))
    if kind == 2:
        return hashlib.sha256(data).digest()
    return b""


class Channel:
    """A parsed channel file, for mutation: the header fields, the body, and
    the offsets of every instance and node."""

    def __init__(self, data):
        self.data = bytearray(data)
        (self.magic, self.version, self.flags, self.channel, self.template, self.declared,
         self.count, self.body_length, self.content_version) = struct.unpack_from("<4sHHIHHIIQ", data, 0)
        self.kind = self.flags & 3
        self.instances = []  # (offset, length, node offsets, criteria offset)
        offset = 32
        for _ in range(self.count):
            length, = struct.unpack_from("<I", data, offset)
            criteria, nodes_count = struct.unpack_from("<HI", data, offset + 10)
            nodes = []
            position = offset + 16 + 4 * criteria
            for _ in range(nodes_count):
                kind = data[position]
                operand, = struct.unpack_from("<I", data, position + 8)
                nodes.append((position, kind, operand))
                position += 12 + (operand if kind in (1, 2) else 0)
            self.instances.append((offset, length, nodes, offset + 16))
            offset += length

    def body(self):
        return bytes(self.data[32:32 + self.body_length])


def seal(data, kind=None, body_length=None):
    """`data` (header and body, no trailer) with the header's body length and
    a valid trailer for `kind` (default: the header's flags; given, it is
    written to the flags)."""
    data = bytearray(data)
    if kind is None:
        kind = struct.unpack_from("<H", data, 6)[0] & 3
    else:
        struct.pack_into("<H", data, 6, kind)
    if body_length is None:
        body_length = len(data) - 32
    struct.pack_into("<I", data, 20, body_length)
    return bytes(data) + trailer(kind, bytes(data))


def header(count, body_length, flags=0, declared=21, channel=291, template=1, version=1, content_version=1, magic=b"RFCH"):
    return struct.pack("<4sHHIHHIIQ", magic, version, flags, channel, template, declared, count, body_length, content_version)


def instance(criteria, nodes, id=900, action=0, reserved=0, criterion_count=None, node_count=None, length=None, extra=b""):
    """An instance: `criteria` root indices, `nodes` pre-encoded node bytes."""
    payload = b"".join(struct.pack("<I", c) for c in criteria) + b"".join(nodes) + extra
    total = 16 + len(payload)
    return struct.pack("<IIBBHI", total if length is None else length, id, action, reserved,
                       len(criteria) if criterion_count is None else criterion_count,
                       len(nodes) if node_count is None else node_count) + payload


def node(kind, next=0xFFFFFFFF, operand=0, payload=b"", flags=0, reserved=0):
    if kind in (1, 2) and operand == 0:
        operand = len(payload)
    return struct.pack("<BBHII", kind, flags, reserved, next, operand) + payload


def wildcards(count=21):
    return [node(0) for _ in range(count)], list(range(count))


def channel_file(instances, flags=1, declared=21, **fields):
    body = b"".join(instances)
    return seal(header(len(instances), len(body), flags=flags, declared=declared, **fields) + body)


def compile_bases(binary):
    """Channel files compiled by `ringfence content compile` from the shipped rules:
    ipc-baseline with a CRC-32C trailer (as shipped), none and SHA-256."""
    bases = {}
    with tempfile.TemporaryDirectory(prefix="rf-corpus-") as folder:
        for name in ("templates.yaml", "ipc-baseline.yaml", "process-baseline.yaml"):
            shutil.copy(os.path.join(CONTENT, name), folder)
        source = open(os.path.join(folder, "ipc-baseline.yaml")).read()
        for checksum in ("crc32c", "none", "sha256"):
            path = os.path.join(folder, f"ipc-{checksum}.yaml")
            with open(path, "w") as file:
                file.write(source.replace("checksum: crc32c", f"checksum: {checksum}"))
            output = os.path.join(folder, f"ipc-{checksum}.chan")
            subprocess.run([binary, "content", "compile", path, "--output", output], check=True, stdout=subprocess.DEVNULL)
            bases[checksum] = open(output, "rb").read()
        output = os.path.join(folder, "process.chan")
        subprocess.run([binary, "content", "compile", os.path.join(folder, "process-baseline.yaml"), "--output", output],
                       check=True, stdout=subprocess.DEVNULL)
        bases["process"] = open(output, "rb").read()
    return bases


def channel_cases(binary):
    cases = []
    bases = compile_bases(binary)
    base = bases["crc32c"]
    plain = bases["none"]
    parsed = Channel(plain)
    assert crc32c(base[:-4]) == struct.unpack("<I", base[-4:])[0], "CRC-32C of the compiled file does not match"
    assert plain[32:] == base[32:-4]

    def add(name, data, hint):
        cases.append(Case("channel", f"channels/{name}.chan", bytes(data), hint))

    def patch(data, offset, fmt, value, reseal=True):
        """`data` (a file with a trailer, or none) with one field changed; the trailer recomputed."""
        kind = struct.unpack_from("<H", data, 6)[0] & 3
        body = bytearray(data[:len(data) - TRAILER[kind]] if reseal else data)
        struct.pack_into(fmt, body, offset, value)
        return bytes(body) + trailer(kind, bytes(body)) if reseal else bytes(body)

    size = len(base)

    # --- empty and truncated ----------------------------------------------
    add("empty", b"", "offset 0 (header): file ends early: 32 bytes needed, 0 available")
    for cut in (1, 3, 4, 5, 6, 8, 12, 14, 16, 20, 24, 31):
        add(f"truncated-header-at-{cut}", base[:cut], f"offset 0 (header): file ends early: 32 bytes needed, {cut} available")
    for cut in (32, 33, 36, 48, size // 2, size - 5, size - 4, size - 1):
        add(f"truncated-at-{cut}", base[:cut], "offset 20 (header.bodyLength): declared length")
    # Truncated, with the header's body length and trailer made to agree: the parser must find the cut itself.
    first_offset, first_length, first_nodes, _ = parsed.instances[0]
    for label, cut in (("in-instance-length", first_offset + 2), ("in-instance-id", first_offset + 6),
                       ("in-criterion-count", first_offset + 11), ("in-node-count", first_offset + 14),
                       ("in-criteria", first_offset + 20), ("in-node-header", first_nodes[0][0] + 5),
                       ("in-payload", first_nodes[0][0] + 14), ("in-last-instance", parsed.instances[-1][0] + parsed.instances[-1][1] - 3)):
        add(f"truncated-resealed-{label}", seal(plain[:cut], kind=1), "offset")
    # The same, with the instance's own length made to agree too.
    for label, cut in (("in-criteria", first_offset + 40), ("in-node-header", first_nodes[0][0] + 5),
                       ("in-payload", first_nodes[0][0] + 14), ("in-last-node", first_offset + first_length - 5)):
        data = bytearray(plain[:cut])
        struct.pack_into("<I", data, 16, 1)  # one instance: the first, cut short
        struct.pack_into("<I", data, first_offset, cut - first_offset)
        add(f"truncated-instance-{label}", seal(data, kind=1), "offset")

    # --- header -------------------------------------------------------------
    for label, magic in (("zeros", b"\0\0\0\0"), ("rfcx", b"RFCX"), ("lowercase", b"rfch"), ("byte-swapped", b"HCFR"),
                         ("elf", b"\x7fELF"), ("zip", b"PK\x03\x04"), ("high-bit", b"\xd2FCH")):
        add(f"bad-magic-{label}", magic + base[4:], "offset 0 (header.magic): bad magic")
    for version in (0, 2, 0x100, 0xFFFF):
        add(f"bad-version-{version}", patch(base, 4, "<H", version), f"offset 4 (header.formatVersion): unsupported format version {version}")
    for flags in (3, 4, 0x8000, 0xFFFF, 0x0101):
        add(f"bad-flags-{flags:#06x}", patch(base, 6, "<H", flags, reseal=False), "offset 6 (header.flags): reserved flag bits set")
    for declared in (256, 0xFFFF):
        add(f"declared-fields-{declared}", patch(base, 14, "<H", declared), f"offset 14 (header.declaredFieldCount): value {declared} exceeds the limit 255")
    add("declared-fields-20", patch(base, 14, "<H", 20), "offset 42 (instance[0].criterionCount): instance has 21 criteria, header declares 20 fields")
    add("declared-fields-0", patch(base, 14, "<H", 0), "offset 42 (instance[0].criterionCount): instance has 21 criteria, header declares 0 fields")
    add("instance-count-4gib", patch(base, 16, "<I", 0xFFFFFFFF), "offset 16 (header.instanceCount): value 4294967295 exceeds the limit 1048576")
    add("instance-count-limit-plus-1", patch(base, 16, "<I", (1 << 20) + 1), "offset 16 (header.instanceCount): value 1048577 exceeds the limit 1048576")
    add("instance-count-limit", patch(base, 16, "<I", 1 << 20), "offset 16 (header.instanceCount): count 1048576 needs 16777216 bytes")
    add("instance-count-one-more", patch(base, 16, "<I", parsed.count + 1), f"instance[{parsed.count}].length")
    add("instance-count-1000", patch(base, 16, "<I", 1000), "offset 16 (header.instanceCount): count 1000 needs 16000 bytes")
    add("instance-count-zero", patch(base, 16, "<I", 0), "offset 32 (body):")
    add("instance-count-one-less", patch(base, 16, "<I", parsed.count - 1), "(body):")
    for label, value in (("4gib", 0xFFFFFFFF), ("2gib", 0x80000000), ("zero", 0), ("minus-1", parsed.body_length - 1),
                         ("plus-1", parsed.body_length + 1)):
        add(f"body-length-{label}", patch(base, 20, "<I", value), f"offset 20 (header.bodyLength): declared length {value} does not match")

    # --- trailer ---------------------------------------------------------------
    flipped = bytearray(base)
    flipped[-1] ^= 0x01
    add("checksum-trailer-flipped", flipped, f"offset {size - 4} (trailer): crc32c trailer does not match the content")
    flipped = bytearray(base)
    flipped[100] ^= 0x80
    add("checksum-body-bit-flipped", flipped, f"offset {size - 4} (trailer): crc32c trailer does not match the content")
    flipped = bytearray(base)
    flipped[8] ^= 0x01
    add("checksum-header-channel-changed", flipped, f"offset {size - 4} (trailer): crc32c trailer does not match the content")
    add("checksum-trailer-zero", base[:-4] + b"\0\0\0\0", f"offset {size - 4} (trailer): crc32c trailer does not match the content")
    sha = bases["sha256"]
    flipped = bytearray(sha)
    flipped[-32] ^= 0xFF
    add("checksum-sha256-flipped", flipped, f"offset {len(sha) - 32} (trailer): sha256 trailer does not match the content")
    add("checksum-sha256-flag-crc-trailer", patch(base, 6, "<H", 2, reseal=False), "offset 20 (header.bodyLength): declared length")
    add("checksum-none-flag-with-trailer", patch(base, 6, "<H", 0, reseal=False), "offset 20 (header.bodyLength): declared length")
    add("checksum-crc-flag-no-trailer", patch(plain, 6, "<H", 1, reseal=False), "offset 20 (header.bodyLength): declared length")
    add("checksum-sha256-trailer-cut", sha[:-16], "offset 20 (header.bodyLength): declared length")

    # --- instances (in the compiled file, trailer recomputed) --------------------
    off0 = parsed.instances[0][0]
    off3, len3, nodes3, crit3 = parsed.instances[3]
    count0 = len(first_nodes)
    add("instance-length-zero", patch(base, off0, "<I", 0), f"offset {off0} (instance[0].length): declared length 0 does not match")
    add("instance-length-15", patch(base, off0, "<I", 15), f"offset {off0} (instance[0].length): declared length 15 does not match")
    add("instance-length-4gib", patch(base, off0, "<I", 0xFFFFFFFF), f"offset {off0} (instance[0].length): declared length 4294967295 does not match")
    add("instance-length-plus-1", patch(base, off0, "<I", first_length + 1), "instance[")
    add("instance-length-minus-1", patch(base, off0, "<I", first_length - 1), "instance[0]")
    add("instance-3-length-4gib", patch(base, off3, "<I", 0xFFFFFFFF), f"offset {off3} (instance[3].length): declared length 4294967295 does not match")
    for action in (4, 0x7F, 0xFF):
        add(f"instance-action-{action}", patch(base, off0 + 8, "<B", action), f"offset {off0 + 8} (instance[0].action): unknown action {action}")
    add("instance-reserved-byte", patch(base, off0 + 9, "<B", 1), f"offset {off0 + 9} (instance[0].reserved): reserved flag bits set: 0x1")
    for criteria in (20, 0, 0xFFFF):
        add(f"instance-criterion-count-{criteria}", patch(base, off0 + 10, "<H", criteria),
            f"offset {off0 + 10} (instance[0].criterionCount): instance has {criteria} criteria, header declares 21 fields")
    add("instance-node-count-4gib", patch(base, off0 + 12, "<I", 0xFFFFFFFF),
        f"offset {off0 + 12} (instance[0].nodeCount): value 4294967295 exceeds the limit 1048576")
    add("instance-node-count-limit-plus-1", patch(base, off0 + 12, "<I", (1 << 20) + 1),
        f"offset {off0 + 12} (instance[0].nodeCount): value 1048577 exceeds the limit 1048576")
    add("instance-node-count-limit", patch(base, off0 + 12, "<I", 1 << 20), f"offset {off0 + 12} (instance[0].nodeCount): count 1048576 needs")
    add("instance-node-count-one-more", patch(base, off0 + 12, "<I", count0 + 1), "instance[0]")
    add("instance-node-count-zero", patch(base, off0 + 12, "<I", 0), f"offset {off0 + 16} (instance[0].criterion[0]): node index 0 is out of range")
    add("instance-node-count-one-less", patch(base, off0 + 12, "<I", count0 - 1), "instance[0]")
    add("criterion-root-out-of-range", patch(base, off0 + 16, "<I", count0), f"offset {off0 + 16} (instance[0].criterion[0]): node index {count0} is out of range")
    add("criterion-root-none", patch(base, off0 + 16 + 4 * 20, "<I", 0xFFFFFFFF),
        f"offset {off0 + 16 + 80} (instance[0].criterion[20]): node index 4294967295 is out of range")
    add("criterion-root-in-instance-3", patch(base, crit3 + 8, "<I", 5000), f"offset {crit3 + 8} (instance[3].criterion[2]): node index 5000 is out of range")
    n0 = first_nodes[0][0]   # a regex node
    n1 = first_nodes[1][0]   # a wildcard node
    for kind in (6, 0x80, 0xFF):
        add(f"node-kind-{kind}", patch(base, n0, "<B", kind), f"offset {n0} (instance[0].node[0].kind): unknown criterion node kind {kind}")
    add("node-flags-reserved-bit", patch(base, n0 + 1, "<B", 0x02), f"offset {n0 + 1} (instance[0].node[0].flags): reserved flag bits set")
    add("node-reserved-field", patch(base, n0 + 2, "<H", 1), f"offset {n0 + 1} (instance[0].node[0].flags): reserved flag bits set")
    add("node-next-out-of-range", patch(base, n0 + 4, "<I", count0), f"offset {n0 + 4} (instance[0].node[0].next): node index {count0} is out of range")
    add("node-next-4gib-minus-2", patch(base, n0 + 4, "<I", 0xFFFFFFFE), f"offset {n0 + 4} (instance[0].node[0].next): node index 4294967294 is out of range")
    add("node-payload-length-4gib", patch(base, n0 + 8, "<I", 0xFFFFFFFF), f"(instance[0].node[0].payload): file ends early: 4294967295 bytes needed")
    add("node-payload-length-past-instance", patch(base, n0 + 8, "<I", first_length), "(instance[0].node[0].payload): file ends early")
    add("node-payload-length-plus-1", patch(base, n0 + 8, "<I", first_nodes[0][2] + 1), "instance[0].node[1]")
    add("node-wildcard-operand", patch(base, n1 + 8, "<I", 7), f"offset {n1 + 8} (instance[0].node[1].operand): reserved flag bits set: 0x7")
    add("node-wildcard-to-not-none", patch(patch(base, n1, "<B", 5), n1 + 8, "<I", 0xFFFFFFFF),
        f"offset {n1 + 8} (instance[0].node[1].child): node index 4294967295 is out of range")
    add("node-wildcard-to-all-out-of-range", patch(patch(base, n1, "<B", 3), n1 + 8, "<I", count0 + 7),
        f"offset {n1 + 8} (instance[0].node[1].child): node index {count0 + 7} is out of range")
    # Bytes after the last field of an instance, or of the body.
    grown = bytearray(plain[:off0 + first_length]) + b"\xAA\xBB" + plain[off0 + first_length:]
    struct.pack_into("<I", grown, off0, first_length + 2)
    add("instance-trailing-bytes", seal(grown, kind=1), f"offset {off0 + first_length} (instance[0]): 2 unexpected bytes after the last field")
    add("body-trailing-bytes", seal(plain + b"\x00" * 7, kind=1), f"offset {len(plain)} (body): 7 unexpected bytes after the last field")
    add("trailing-garbage-after-trailer", base + b"garbage", "offset 20 (header.bodyLength): declared length")
    add("trailing-second-file", base + base, "offset 20 (header.bodyLength): declared length")

    # --- synthetic files (own encoder) ---------------------------------------------
    nodes, roots = wildcards()
    # A not(not(not(...))) chain 10,000 deep whose innermost node points past the table: found without recursion.
    depth = 10_000
    chain = [node(5, operand=i + 1) for i in range(depth - 1)] + [node(5, operand=depth + 5)]
    add("depth-bomb-not-chain-broken-end", channel_file([instance([0] * 21, chain)]),
        f"(instance[0].node[{depth - 1}].child): node index {depth + 5} is out of range")
    depth = 10_000
    chain = [node(3, operand=i + 1) for i in range(depth - 1)] + [node(1, payload=b"x" * 8, operand=9)]
    add("depth-bomb-all-chain-payload-overrun", channel_file([instance([0] * 21, chain)]),
        f"(instance[0].node[{depth - 1}].payload): file ends early")
    # An any() over 10,000 siblings, the last one's next link past the table.
    siblings = [node(1, next=i + 2, payload=b"a") for i in range(depth - 1)] + [node(1, next=depth + 1, payload=b"a")]
    add("sibling-chain-broken-end", channel_file([instance([0] * 21, [node(4, operand=1)] + siblings)]),
        f"(instance[0].node[{depth}].next): node index {depth + 1} is out of range")
    add("node-count-over-limit-tiny-file", channel_file([instance([0] * 21, [node(0)], node_count=(1 << 20) + 1)]),
        "(instance[0].nodeCount): value 1048577 exceeds the limit 1048576")
    add("node-count-limit-tiny-file", channel_file([instance([0] * 21, [node(0)], node_count=1 << 20)]),
        "(instance[0].nodeCount): count 1048576 needs")
    # 2,000 small instances (one field each), the last one broken.
    many = [instance([0], [node(0)], id=i) for i in range(2_000)] + [instance([0], [node(0)], id=2_000, action=9)]
    add("many-instances-last-broken", channel_file(many, declared=1), "(instance[2000].action): unknown action 9")
    add("instances-tiny-body-huge-count", seal(header(1 << 20, 16 * 1024) + b"\0" * (16 * 1024), kind=0),
        "offset 16 (header.instanceCount): count 1048576 needs 16777216 bytes but only 16384 remain")
    add("header-only-one-instance", seal(header(1, 0, flags=1), kind=1), "offset 16 (header.instanceCount): count 1 needs 16 bytes but only 0 remain")
    add("declared-fields-255-instance-21", channel_file([instance(roots, nodes)], declared=255),
        "(instance[0].criterionCount): instance has 21 criteria, header declares 255 fields")
    add("zero-body", seal(header(parsed.count, 4096, flags=1) + b"\0" * 4096, kind=1), "(instance[0].length): declared length 0 does not match")
    add("ff-body", seal(header(parsed.count, 4096, flags=1) + b"\xff" * 4096, kind=1), "(instance[0].length): declared length 4294967295 does not match")
    rng = random.Random(291)
    for index in range(12):
        length = rng.choice((16, 64, 300, 4096, 65536))
        body = bytes(rng.getrandbits(8) for _ in range(length))
        flags = index % 2
        add(f"random-body-{index:02d}-{'crc32c' if flags else 'none'}",
            seal(header(rng.randint(1, 40), length, flags=flags) + body, kind=flags), "offset")
    for index in range(4):
        length = 64 + 32 * index
        add(f"random-whole-file-{index}", bytes(rng.getrandbits(8) for _ in range(length)), "offset 0 (header.magic): bad magic")

    # --- other kinds of file --------------------------------------------------------
    add("wrong-kind-rules-yaml", open(os.path.join(CONTENT, "ipc-baseline.yaml"), "rb").read(), "offset 0 (header.magic): bad magic")
    add("wrong-kind-png", b"\x89PNG\r\n\x1a\n" + b"\0" * 56, "offset 0 (header.magic): bad magic")
    add("wrong-kind-gzip", b"\x1f\x8b\x08\x00" + b"\0" * 60, "offset 0 (header.magic): bad magic")
    add("wrong-kind-text", b"RFCH is the magic, but this is a text file about it.\n", "offset 4 (header.formatVersion): unsupported format version")
    add("magic-only", b"RFCH", "offset 0 (header): file ends early: 32 bytes needed, 4 available")
    return cases


# ---------------------------------------------------------------------------
# Seccomp profiles
# ---------------------------------------------------------------------------

def profile_cases():
    cases = []

    def add(name, data, hint):
        if isinstance(data, (dict, list)):
            compact = json.dumps(data, separators=(",", ":"))
            data = (json.dumps(data, indent=1) if len(compact) < 20_000 else compact) + "\n"
        if isinstance(data, str):
            data = data.encode("utf-8")
        cases.append(Case("profile", f"profiles/{name}.json", data, hint))

    kill = "SCMP_ACT_KILL_PROCESS"

    def prof(syscalls=None, **top):
        profile = {"defaultAction": kill}
        if syscalls is not None:
            profile["syscalls"] = syscalls
        profile.update(top)
        return profile

    allow = lambda names, **rule: dict({"names": names, "action": "SCMP_ACT_ALLOW"}, **rule)
    agent = open(os.path.join(REPO, "Sandbox", "profiles", "agent.json"), "rb").read()
    docker = open(os.path.join(SECCOMP_FIXTURES, "docker-default.json"), "rb").read()
    podman = open(os.path.join(SECCOMP_FIXTURES, "podman-default.json"), "rb").read()

    # --- not JSON ---------------------------------------------------------------
    add("empty", b"", "not valid JSON: line 1, column 1 (byte 0): unexpected end of input")
    add("only-whitespace", b"  \n\t\n", "not valid JSON")
    add("yaml", "defaultAction: SCMP_ACT_KILL_PROCESS\nsyscalls: []\n", "not valid JSON: line 1, column 1 (byte 0)")
    add("plain-text", "This is not a profile.\n", "not valid JSON: line 1, column 1 (byte 0)")
    add("root-array", "[]\n", "expected an object, found an array")
    add("root-string", "\"SCMP_ACT_KILL_PROCESS\"\n", "expected an object, found a string")
    add("root-number", "42\n", "expected an object, found a number")
    add("root-null", "null\n", "expected an object, found null")
    add("root-true", "true\n", "expected an object, found a boolean")
    add("nul-bytes", b"\0" * 32, "not valid JSON: line 1, column 1 (byte 0)")
    add("utf16", "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\"}".encode("utf-16"), "not valid JSON: line 1, column 1 (byte 0)")

    # --- truncated --------------------------------------------------------------
    for fraction in (1, 10, 50, 90, 99):
        cut = len(agent) * fraction // 100
        add(f"truncated-agent-{fraction}pct", agent[:cut], "not valid JSON")
    add("truncated-in-string", '{"defaultAction": "SCMP_ACT_KI', "not valid JSON: line 1, column 19 (byte 18): a string that never ends")
    add("truncated-in-escape", '{"defaultAction": "SCMP\\', "not valid JSON")
    add("truncated-in-unicode-escape", '{"defaultAction": "SCMP\\u00', "not valid JSON")
    add("truncated-in-number", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "defaultErrnoRet": 1', "not valid JSON")
    add("truncated-after-key", '{"defaultAction"', "not valid JSON")
    add("truncated-in-literal", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "permissive": tr', "not valid JSON")

    # --- syntax -------------------------------------------------------------------
    add("trailing-comma-object", '{"defaultAction": "SCMP_ACT_KILL_PROCESS",}\n', "not valid JSON: line 1, column 43 (byte 42)")
    add("trailing-comma-array", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["read",], "action": "SCMP_ACT_ALLOW"}]}\n', "not valid JSON")
    add("comment-line", '// agent profile\n{"defaultAction": "SCMP_ACT_KILL_PROCESS"}\n', "not valid JSON: line 1, column 1 (byte 0)")
    add("comment-block", '{"defaultAction": /* kill */ "SCMP_ACT_KILL_PROCESS"}\n', "not valid JSON")
    add("single-quotes", "{'defaultAction': 'SCMP_ACT_KILL_PROCESS'}\n", "not valid JSON")
    add("duplicate-key-top", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "defaultAction": "SCMP_ACT_ALLOW"}\n',
        "not valid JSON: line 1, column 44 (byte 43): duplicate key \"defaultAction\"")
    add("duplicate-key-rule", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "action": "SCMP_ACT_LOG"}]}\n',
        "duplicate key \"action\"")
    add("nan", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "defaultErrnoRet": NaN}\n', "not valid JSON")
    add("infinity", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "defaultErrnoRet": Infinity}\n', "not valid JSON")
    add("leading-zero", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "defaultErrnoRet": 01}\n', "a number may not have a leading zero")
    add("hex-number", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "defaultErrnoRet": 0x1}\n', "not valid JSON")
    add("plus-number", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "defaultErrnoRet": +1}\n', "not valid JSON")
    add("control-character-in-string", '{"defaultAction": "SCMP_ACT_KILL\tPROCESS"}\n', "a control character inside a string")
    add("unknown-escape", '{"defaultAction": "SCMP_ACT_KILL\\xPROCESS"}\n', "unknown escape")
    add("lone-surrogate", '{"defaultAction": "SCMP_ACT_KILL_PROCESS\\ud800"}\n', "not valid JSON")
    add("invalid-utf8-in-string", b'{"defaultAction": "SCMP_ACT_KILL_PROCESS\xff"}\n', "a string that is not valid UTF-8")
    add("invalid-utf8-outside-string", b'{"defaultAction": "SCMP_ACT_KILL_PROCESS"\xff}\n', "not valid JSON")
    add("bom-then-garbage", b"\xef\xbb\xbf\xef\xbb\xbf{}", "not valid JSON")
    add("two-documents", '{"defaultAction": "SCMP_ACT_KILL_PROCESS"}\n{"defaultAction": "SCMP_ACT_KILL_PROCESS"}\n',
        "not valid JSON: line 2, column 1 (byte 43): unexpected '{' after the document")
    add("garbage-after-document", '{"defaultAction": "SCMP_ACT_KILL_PROCESS"} x\n', "unexpected 'x' after the document")

    # --- schema -------------------------------------------------------------------
    add("missing-default-action", {"syscalls": []}, "defaultAction: missing")
    add("default-action-null", {"defaultAction": None}, "defaultAction: missing")
    add("default-action-number", {"defaultAction": 0}, "defaultAction: expected a string, found a number")
    add("unknown-key-top", prof(defaultActon="SCMP_ACT_ALLOW"), "defaultActon: unknown key")
    add("unknown-key-rule", prof([allow(["read"], nmaes=["write"])]), "syscalls[0].nmaes: unknown key")
    add("unknown-key-arg", prof([allow(["read"], args=[{"index": 0, "value": 0, "op": "SCMP_CMP_EQ", "valueThree": 1}])]),
        "syscalls[0].args[0].valueThree: unknown key")
    add("unknown-key-includes", prof([allow(["read"], includes={"capabilities": ["CAP_SYS_ADMIN"]})]), "syscalls[0].includes.capabilities: unknown key")
    add("unknown-key-archmap", prof(archMap=[{"architecture": "SCMP_ARCH_X86_64", "subArches": ["SCMP_ARCH_X86"]}]),
        "archMap[0].subArches: unknown key")
    add("syscalls-object", prof({"read": "SCMP_ACT_ALLOW"}), "syscalls: expected an array, found an object")
    add("syscall-rule-string", prof(["read"]), "syscalls[0]: expected an object, found a string")
    add("names-string", prof([allow("read")]), "syscalls[0].names: expected an array, found a string")
    add("names-number", prof([allow([0])]), "syscalls[0].names[0]: expected a string, found a number")
    add("action-missing", prof([{"names": ["read"]}]), "syscalls[0].action: missing")
    add("permissive-string", prof(permissive="yes"), "permissive: expected true or false, found a string")
    add("includes-caps-string", prof([allow(["read"], includes={"caps": "CAP_SYS_ADMIN"})]), "syscalls[0].includes.caps: expected an array, found a string")
    add("arg-missing-op", prof([allow(["read"], args=[{"index": 0, "value": 0}])]), "syscalls[0].args[0].op: missing")
    add("arg-missing-index", prof([allow(["read"], args=[{"value": 0, "op": "SCMP_CMP_EQ"}])]), "syscalls[0].args[0].index: missing")
    add("arg-missing-value", prof([allow(["read"], args=[{"index": 0, "op": "SCMP_CMP_EQ"}])]), "syscalls[0].args[0].value: missing")

    # --- actions and permissive profiles ------------------------------------------------
    add("unknown-default-action", {"defaultAction": "SCMP_ACT_KILLL"}, "defaultAction: unknown action SCMP_ACT_KILLL")
    add("unknown-rule-action", prof([{"names": ["read"], "action": "SCMP_ACT_PERMIT"}]), "syscalls[0].action: unknown action SCMP_ACT_PERMIT")
    add("rule-action-lowercase", prof([{"names": ["read"], "action": "scmp_act_allow"}]), "syscalls[0].action: unknown action scmp_act_allow")
    add("rule-action-trace", prof([{"names": ["read"], "action": "SCMP_ACT_TRACE"}]), "syscalls[0].action: SCMP_ACT_TRACE needs a ptrace supervisor")
    add("default-allow", {"defaultAction": "SCMP_ACT_ALLOW"}, "permissive profile (defaultAction SCMP_ACT_ALLOW)")
    add("default-log", {"defaultAction": "SCMP_ACT_LOG"}, "permissive profile (defaultAction SCMP_ACT_LOG)")
    add("default-notify", {"defaultAction": "SCMP_ACT_NOTIFY"}, "permissive profile (defaultAction SCMP_ACT_NOTIFY)")
    add("default-allow-permissive-false", {"defaultAction": "SCMP_ACT_ALLOW", "permissive": False}, "permissive profile (defaultAction SCMP_ACT_ALLOW)")
    for name in ("execve", "execveat", "ptrace", "bpf", "mount", "process_vm_writev"):
        add(f"allow-{name}", prof([allow(["read", name])]), f"permissive profile (syscalls[0] allows {name})")
    add("allow-execve-single-name", prof([{"name": "execve", "action": "SCMP_ACT_ALLOW"}]), "permissive profile (syscalls[0] allows execve)")
    add("log-ptrace", prof([{"names": ["ptrace"], "action": "SCMP_ACT_LOG"}]), "permissive profile (syscalls[0] allows ptrace)")
    add("allow-execve-with-args", prof([allow(["execve"], args=[{"index": 0, "value": 0, "op": "SCMP_CMP_NE"}])]),
        "permissive profile (syscalls[0] allows execve)")
    add("allow-mount-on-this-arch", prof([allow(["mount"], includes={"arches": ["amd64", "arm64"]})]), "permissive profile (syscalls[0] allows mount)")
    add("docker-default-unmodified", docker, "docker-default-unmodified.json: permissive profile (")
    add("podman-default-unmodified", podman, "podman-default-unmodified.json: permissive profile (")

    # --- architectures -------------------------------------------------------------------
    add("architectures-empty", prof(architectures=[]), "architectures: an empty list allows no architecture")
    add("architectures-unknown", prof(architectures=["SCMP_ARCH_PDP11"]), "architectures: unknown architecture \"SCMP_ARCH_PDP11\"")
    add("architectures-no-prefix", prof(architectures=["x86_64"]), "architectures: unknown architecture \"x86_64\"")
    add("architectures-string", prof(architectures="SCMP_ARCH_X86_64"), "architectures: expected an array, found a string")
    add("archmap-unknown", prof(archMap=[{"architecture": "SCMP_ARCH_VAX", "subArchitectures": []}]), "archMap[0].architecture: unknown architecture \"SCMP_ARCH_VAX\"")
    add("archmap-empty-subarchitectures", prof(archMap=[{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": []}]),
        "archMap[0].subArchitectures: an empty list allows no architecture")

    # --- syscall names ---------------------------------------------------------------------
    add("name-with-nul", prof([allow(["read\u0000write"])]), "syscalls[0].names[0]: \"read\\u0000write\" is not a syscall name")
    add("name-nul-only", prof([allow(["\u0000"])]), "syscalls[0].names[0]: \"\\u0000\" is not a syscall name")
    add("name-empty", prof([allow([""])]), "syscalls[0].names[0]: \"\" is not a syscall name")
    add("name-with-space", prof([allow(["read write"])]), "syscalls[0].names[0]: \"read write\" is not a syscall name")
    add("name-with-newline", prof([allow(["read\nexecve"])]), "syscalls[0].names[0]: \"read\\nexecve\" is not a syscall name")
    add("name-single-empty", prof([{"name": "", "action": "SCMP_ACT_ALLOW"}]), "syscalls[0].name: \"\" is not a syscall name")
    add("name-unknown", prof([allow(["read", "frobnicate"])]), "unknown syscall names: frobnicate")
    add("name-unknown-several", prof([allow(["frob1"]), allow(["write", "frob2"])]), "unknown syscall names: frob1, frob2")
    add("name-uppercase", prof([allow(["READ"])]), "unknown syscall names: READ")
    add("name-unknown-in-errno-rule", prof([{"names": ["no_such_call"], "action": "SCMP_ACT_ERRNO"}]), "unknown syscall names: no_such_call")

    # --- errno ---------------------------------------------------------------------------------
    errno_rule = lambda value: prof([{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": value}])
    add("errno-ret-0", errno_rule(0), "syscalls[0].errnoRet: 0 is not an errno (1...4095)")
    add("errno-ret-4096", errno_rule(4096), "syscalls[0].errnoRet: 4096 is not an errno (1...4095)")
    add("errno-ret-5000", errno_rule(5000), "syscalls[0].errnoRet: 5000 is not an errno (1...4095)")
    add("errno-ret-negative", errno_rule(-1), "syscalls[0].errnoRet: -1 is not a whole number")
    add("errno-ret-string", errno_rule("1"), "syscalls[0].errnoRet: expected a whole number, found a string")
    add("errno-ret-fraction", errno_rule(1.5), "syscalls[0].errnoRet: 1.5 is not a whole number")
    add("errno-ret-exponent", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1e3}]}\n',
        "syscalls[0].errnoRet: 1e3 is not a whole number")
    add("errno-ret-huge", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 99999999999999999999999}]}\n',
        "syscalls[0].errnoRet: 99999999999999999999999 is not a whole number")
    add("default-errno-ret-0", {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 0}, "defaultErrnoRet: 0 is not an errno (1...4095)")

    # --- arguments -------------------------------------------------------------------------------
    arg = lambda **fields: prof([allow(["read"], args=[dict({"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}, **fields)])])
    add("arg-index-6", arg(index=6), "syscalls[0].args: argument index 6 is not 0...5")
    add("arg-index-4gib", arg(index=4294967296), "syscalls[0].args[0].index: 4294967296 is larger than 4294967295")
    add("arg-index-negative", arg(index=-1), "syscalls[0].args[0].index: -1 is not a whole number")
    add("arg-index-string", arg(index="0"), "syscalls[0].args[0].index: expected a whole number, found a string")
    add("arg-op-unknown", arg(op="SCMP_CMP_APPROX"), "syscalls[0].args: unknown operator SCMP_CMP_APPROX")
    add("arg-op-lowercase", arg(op="scmp_cmp_eq"), "syscalls[0].args: unknown operator scmp_cmp_eq")
    add("arg-op-number", arg(op=4), "syscalls[0].args[0].op: expected a string, found a number")
    add("arg-value-2-to-64", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18446744073709551616, "op": "SCMP_CMP_EQ"}]}]}\n',
        "syscalls[0].args[0].value: 18446744073709551616 is not a whole number")
    add("arg-value-1e400", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1e400, "op": "SCMP_CMP_EQ"}]}]}\n',
        "syscalls[0].args[0].value: 1e400 is not a whole number")
    add("arg-value-negative", arg(value=-1), "syscalls[0].args[0].value: -1 is not a whole number")
    add("arg-value-string", arg(value="5"), "syscalls[0].args[0].value: expected a whole number, found a string")
    add("arg-value-two-negative", arg(valueTwo=-5, op="SCMP_CMP_MASKED_EQ"), "syscalls[0].args[0].valueTwo: -5 is not a whole number")
    add("arg-pid-greater-than", arg(value="$pid", op="SCMP_CMP_GT"), "syscalls[0].args: \"$pid\" can only be compared with SCMP_CMP_EQ")
    add("arg-pid-masked", arg(value="$pid", op="SCMP_CMP_MASKED_EQ"), "syscalls[0].args: \"$pid\" can only be compared with SCMP_CMP_EQ")
    add("arg-pid-wrong-case", arg(value="$PID"), "syscalls[0].args[0].value: expected a whole number, found a string")
    add("arg-pid-in-value-two", arg(valueTwo="$pid", op="SCMP_CMP_MASKED_EQ"), "syscalls[0].args[0].valueTwo: expected a whole number, found a string")
    reserved = 0x5E1F5E1F  # RF_SELF_PID_PLACEHOLDER (Sandbox/CSandbox/include/CSandbox.h)
    on_getpid = lambda **fields: prof([{"names": ["getpid"], "action": "SCMP_ACT_ALLOW",
                                        "args": [dict({"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}, **fields)]}])
    add("arg-reserved-pid-placeholder", on_getpid(value=reserved), f"the value {reserved} is reserved for \"$pid\"")
    add("arg-reserved-pid-placeholder-high-word", on_getpid(value=reserved << 32), f"the value {reserved} is reserved for \"$pid\"")
    add("arg-reserved-pid-placeholder-both-words", on_getpid(value=reserved << 32 | reserved), f"the value {reserved} is reserved for \"$pid\"")
    add("arg-reserved-pid-placeholder-masked", on_getpid(value=0xFFFFFFFF, valueTwo=reserved, op="SCMP_CMP_MASKED_EQ"),
        f"the value {reserved} is reserved for \"$pid\"")
    add("arg-reserved-pid-placeholder-greater", on_getpid(value=reserved, op="SCMP_CMP_GT"), f"the value {reserved} is reserved for \"$pid\"")
    # On read, which the exec path's startup profile allows outright: the value never reaches the BPF, but it is still used literally.
    add("arg-reserved-pid-placeholder-read", arg(value=reserved), f"the value {reserved} is reserved for \"$pid\"")

    # --- caps -------------------------------------------------------------------------------------
    add("names-200000", prof([{"names": ["a"] * 200_000, "action": "SCMP_ACT_ALLOW"}]), "syscalls[0]: more than 4096 syscall names in the profile")
    add("names-4097", prof([{"names": ["read"] * 4097, "action": "SCMP_ACT_ALLOW"}]), "syscalls[0]: more than 4096 syscall names in the profile")
    add("names-4097-over-rules", prof([allow(["read"] * 1000) for _ in range(4)] + [allow(["read"] * 97)]),
        "syscalls[4]: more than 4096 syscall names in the profile")
    add("rules-1025", prof([allow(["read"])] * 1025), "syscalls: 1025 rules; the limit is 1024")
    add("rules-2000", prof([allow(["read"])] * 2000), "syscalls: 2000 rules; the limit is 1024")
    # Under both caps, but more BPF than the kernel loads: six 64-bit comparisons per rule.
    wide = lambda rules: prof([{"names": ["getpid"], "action": "SCMP_ACT_ALLOW",
                                "args": [{"index": i, "value": (r << 33) + i + 1, "op": "SCMP_CMP_EQ"} for i in range(6)]}
                               for r in range(1, rules + 1)])
    add("filter-over-4096-instructions", wide(200), "the filter needs more than 4,096 BPF instructions")
    # Twice that: the BPF (over 64 KiB) no longer fits the pipe it is exported through.
    add("filter-over-64kib", wide(400), "the filter needs more than 4,096 BPF instructions")
    add("nesting-65", '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "comment": ' + "[" * 64 + "]" * 64 + "}\n", "nesting deeper than 64 levels")
    add("nesting-10000", "[" * 10_000 + "]" * 10_000, "nesting deeper than 64 levels")
    add("nesting-open-only", "{\"a\": " * 1000, "nesting deeper than 64 levels")
    empty = json.dumps(prof(comment=""))
    add("too-large-2mb", empty[:-2] + "x" * (2_000_000 - len(empty)) + "\"}", "larger than the limit of 1 MiB")
    assert len(cases[-1].data) == 2_000_000
    return cases


# ---------------------------------------------------------------------------

def find_binary(argv):
    if "--binary" in argv:
        return argv[argv.index("--binary") + 1]
    for candidate in (".build/snap/debug/ringfence", ".build/debug/ringfence", ".build/release/ringfence"):
        path = os.path.join(REPO, candidate)
        if os.access(path, os.X_OK):
            return path
    sys.exit("generate.py: no ringfence binary; pass --binary PATH")


def build(binary):
    """Every case, and the auxiliary files the scenario cases read."""
    scenarios, aux = scenario_cases()
    for name in CONTENT_COPIES:
        aux[f"scenarios/content/{name}"] = open(os.path.join(CONTENT, name), "rb").read()
    cases = scenarios + channel_cases(binary) + profile_cases()
    paths = [case.path for case in cases]
    assert len(paths) == len(set(paths)), "two cases share a file"
    return cases, aux


def main():
    cases, aux = build(find_binary(sys.argv))
    for sub_folder in ("scenarios", "channels", "profiles"):
        shutil.rmtree(os.path.join(HERE, sub_folder), ignore_errors=True)
    for path, data in list(aux.items()) + [(case.path, case.data) for case in cases]:
        full = os.path.join(HERE, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as file:
            file.write(data)
    counts = {}
    for case in cases:
        counts[case.kind] = counts.get(case.kind, 0) + 1
    total = sum(len(data) for data in aux.values()) + sum(len(case.data) for case in cases)
    print(f"{len(cases)} cases ({', '.join(f'{n} {k}' for k, n in counts.items())}), {total / MIB:.1f} MiB")


if __name__ == "__main__":
    main()
