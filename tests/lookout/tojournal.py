# tests/lookout/tojournal.py - the tlsrpt-milter lines of a syslog file as `journalctl -o json`
# entries, with the trusted fields (_UID, _COMM, _SYSTEMD_UNIT) the journal would record for
# a writer: tojournal.py UID COMM UNIT <FILE ("" UNIT: none)
import json, re, sys
uid, comm, unit = sys.argv[1:4]
for line in sys.stdin:
    m = re.match(r'^.*? tlsrpt-milter(\[\d+\])?: (.*)$', line.rstrip('\n'))
    if not m:
        continue
    e = {"__CURSOR": "s=1;i=2", "MESSAGE": m.group(2), "SYSLOG_IDENTIFIER": "tlsrpt-milter",
         "_UID": uid, "_COMM": comm, "_HOSTNAME": "mx"}
    if unit:
        e["_SYSTEMD_UNIT"] = unit
    print(json.dumps(e))
