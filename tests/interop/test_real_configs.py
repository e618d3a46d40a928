"""Real routers' configurations as startup-config: every line comes back, in
place, through the shell (netmiko), get-config (ncclient), XML-PI, and
`write memory` plus a restart — the sections the device cannot model
included, with their lines under them.

The configurations are other projects' captures of real devices, taken from
their source packages on PyPI at test time (NAPALM's IOS test data, a CSR1000v
on IOS XE; ciscoconfparse2's sample router configuration, IOS 12.4)."""
import pathlib
import re
import subprocess
import sys
import tarfile

import pytest
from ncclient import manager
from netmiko import ConnectHandler

from conftest import BINARY, ROOT, launch

CACHE = ROOT / "target" / "real-configs"

SOURCES = {
    "napalm": ("napalm==5.1.1", "napalm-5.1.1"),
    "ciscoconfparse2": ("ciscoconfparse2==0.9.18", "ciscoconfparse2-0.9.18"),
}

# (package, file, in IOS XE's order). The device renders IOS XE's order of
# top-level commands; IOS 12.4 put some global lines elsewhere, so for its
# capture each line is checked present (as often), each unknown section
# whole under its header, but not the order of the catalogued commands.
CONFIGS = [
    ("napalm", "test/ios/mocked_data/test_get_config/normal/show_running_config.txt", True),
    ("napalm", "test/ios/mocked_data/test_get_bgp_config/normal/show_running_config.txt", True),
    ("napalm", "test/ios/mocked_data/test_get_bgp_config/mixed_with_without_groups/show_running_config.txt", True),
    ("ciscoconfparse2", "tests/fixtures/configs/sample_01.ios", False),
]

# How the test reaches the device; not compared.
ACCESS = """username admin privilege 15 secret 0 cisco
netconf ssh
line vty 0 15
 transport input ssh
"""


def source_tree(name):
    """The unpacked source package (downloaded once into target/)."""
    spec, top = SOURCES[name]
    tree = CACHE / top
    if tree.exists():
        return tree
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", name,
         spec, "-d", str(CACHE)],
        check=True,
    )
    with tarfile.open(next(CACHE.glob(f"{top}.tar.gz"))) as tar:
        tar.extractall(CACHE, filter="data")
    return tree


def config_lines(text):
    """The configuration of a `show running-config` capture: from its first
    `!` line to `end`, without the header and the `Building configuration`
    lines."""
    out = []
    for line in text.splitlines():
        if line.startswith(("Building configuration", "Current configuration")):
            continue
        if line.rstrip() == "end":
            break
        out.append(line.rstrip())
    return out


def significant(lines):
    """The lines compared: all but blank lines and `!` separators, with a
    run of spaces inside a line taken as one (IOS aligns `deny   ip`)."""
    return [
        re.sub(r"(?<=\S)  +", " ", line)
        for line in lines
        if line.strip() and line.strip() != "!" and not line.lstrip().startswith("! Last configuration")
    ]


def missing_or_moved(expected, text, ordered=True):
    """The expected lines that are not found, in order, in `text` (or, not
    `ordered`, not found as many times)."""
    got = significant(text.splitlines())
    lost = []
    if not ordered:
        for line in significant(expected):
            if line in got:
                got.remove(line)
            else:
                lost.append(line)
        return lost
    at = 0
    for line in significant(expected):
        try:
            at = got.index(line, at) + 1
        except ValueError:
            lost.append(line)
    return lost


@pytest.fixture(params=CONFIGS, ids=lambda c: f"{c[0]}:{pathlib.Path(c[1]).parent.name}/{pathlib.Path(c[1]).name}")
def real(request, tmp_path):
    name, path, ordered = request.param
    text = (source_tree(name) / path).read_text()
    lines = config_lines(text)
    state = tmp_path / "state"
    state.mkdir()
    (state / "startup-config").write_text("\n".join(lines) + "\n" + ACCESS)
    return lines, state, ordered


def serve(state):
    return launch([BINARY, "serve"], state)


def get_config(port):
    with manager.connect(host="127.0.0.1", port=port, username="admin", password="cisco",
                         hostkey_verify=False, look_for_keys=False, allow_agent=False,
                         timeout=30) as m:
        reply = m.get_config("running")
        return "".join(e.text or "" for e in reply.data_ele.iter()
                       if e.tag.split("}")[-1] == "cli-config-data-block")


def test_every_line_comes_back_in_place(real):
    lines, state, ordered = real
    proc, port = serve(state)
    try:
        c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=port,
                           username="admin", password="cisco", fast_cli=False)
        shown = c.send_command("show running-config", read_timeout=60)
        assert missing_or_moved(lines, shown, ordered) == []
        assert missing_or_moved(lines, get_config(port), ordered) == []
        saved = c.send_command("write memory")
        assert "[OK]" in saved, saved
        c.disconnect()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # NVRAM holds every line, and a reload gives them all back.
    assert missing_or_moved(lines, (state / "startup-config").read_text(), ordered) == []
    proc, port = serve(state)
    try:
        assert missing_or_moved(lines, get_config(port), ordered) == []
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_an_unknown_section_keeps_its_lines_under_it(real):
    """Where the capture has a section the device does not model, its lines
    stay indented under their header, also in XML-PI."""
    lines, state, _ = real
    proc, port = serve(state)
    try:
        shown = get_config(port)
        with manager.connect(host="127.0.0.1", port=port, username="admin", password="cisco",
                             hostkey_verify=False, look_for_keys=False, allow_agent=False,
                             timeout=30) as m:
            xml = m.get_config("running", filter=("subtree", "<config-format-xml/>")).xml
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    for header in ["virtual-service csr_mgmt", "subscriber templating", "archive"]:
        if header in lines:
            i = lines.index(header)
            block = []
            for line in lines[i + 1:]:
                if not line.startswith(" "):
                    break
                block.append(line)
            expected = "\n".join([header] + block)
            assert expected in shown, expected
    # Every line of the capture is in the XML-PI form, the unknown ones as
    # <X-Interface> with their indentation below their section's header.
    assert "<X-Interface>" in xml
    if " log config" in lines:
        # Indented one further than ` log config`, under `archive`.
        assert "<X-Interface>log config</X-Interface>\n<X-Interface> logging enable</X-Interface>" in xml, xml
