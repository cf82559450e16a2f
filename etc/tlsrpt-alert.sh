#!/bin/sh
# tlsrpt-alert - mail each tlsrpt-milter alert line to an address
#
# usage: tlsrpt-alert [-s SENDMAIL] ADDRESS...
#
# The alert program of etc/rsyslog-tlsrpt-milter.conf (omprog) and
# etc/syslog-ng-tlsrpt-milter.conf (program()): both keep it running and
# write one line per event to its standard input, as the milter logged it
# (kv or @cee: JSON, behind the syslog header).  For every line it sends
# one mail to the ADDRESSes through SENDMAIL (default /usr/sbin/sendmail,
# which Postfix and Sendmail both provide); the subject names the event,
# the policy domain and the host, the body is the line itself.  Install it
# as /usr/local/sbin/tlsrpt-alert (mode 755), the path the snippets use.
# See doc/alerting.md.
#
# The line comes from a report, i.e. from a stranger: it is only ever
# printed as data (printf %s), never evaluated; the subject keeps only
# letters, digits and . _ - : @ and space; control characters are taken
# out of the body; recipients are given on sendmail's command line after
# "--" (never taken from the line or from headers, no -t).  A failed
# sendmail is reported on stderr and the next line is read: the syslog
# daemon restarts a program that exits.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

sendmail=/usr/sbin/sendmail
if [ "${1:-}" = "-s" ] && [ $# -ge 2 ]; then
    sendmail=$2
    shift 2
fi
if [ $# -eq 0 ]; then
    echo "usage: tlsrpt-alert [-s SENDMAIL] ADDRESS..." >&2
    exit 2
fi
host=$(uname -n | tr -cd 'A-Za-z0-9.-')

# field - the value of a bare-word field of a kv or JSON line: field LINE KEY
#
# kv: only before the first quoted value, so text inside a quoted value
# (additional-information="... policy-domain=x") is never taken; JSON: a
# key is always "KEY": behind { or , (inside a string it would be \").
field() {
    printf '%s\n' "$1" | sed -n -E \
        -e "s/.*[{,]\"$2\":\"([^\"\\\\]*)\".*/\\1/p" \
        -e "t" \
        -e "s/^[^\"]* $2=([^ \"]*)( .*)?\$/\\1/p"
}

# event - the event word: after "QUEUEID: " in kv, "event" in JSON
event() {
    case $1 in
    *'"event":"'*) field "$1" event ;;
    *) printf '%s\n' "$1" | sed -n -E 's/^[^"]*: (failure-omitted|failure|error) .*/\1/p' ;;
    esac
}

# safe - a header-safe version of a value: safe TEXT MAXLEN
safe() {
    printf '%s' "$1" | tr -cd 'A-Za-z0-9._:@ -' | cut -c "1-$2"
}

while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    ev=$(safe "$(event "$line")" 20)
    dom=$(safe "$(field "$line" policy-domain)" 100)
    subject="TLS-RPT ${ev:-alert}${dom:+ for $dom} on $host"
    {
        printf 'To: %s\n' "$(safe "$*" 400)"
        printf 'Subject: %s\n' "$subject"
        printf 'Auto-Submitted: auto-generated\n'
        printf 'Content-Type: text/plain; charset=utf-8\n'
        printf '\n'
        printf '%s\n' "$line" | tr -d '\000-\010\013-\037\177'
        printf '\n-- \ntlsrpt-alert on %s; the log format is described in\n' "$host"
        printf '/usr/share/doc/tlsrpt-milter/log-format.md\n'
    } | "$sendmail" -i -- "$@" || echo "tlsrpt-alert: $sendmail failed for: $subject" >&2
done
exit 0
