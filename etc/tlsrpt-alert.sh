#!/bin/sh
# tlsrpt-alert - mail each tlsrpt-milter alert line to an address
#
# usage: tlsrpt-alert [-s SENDMAIL] [-d TLSRPT-LOOKOUT] [-l "LOGFILE..."] ADDRESS...
#
# The alert program of etc/rsyslog-tlsrpt-milter.conf (omprog) and
# etc/syslog-ng-tlsrpt-milter.conf (program()): both keep it running and
# write one line per event to its standard input, as it was logged (kv or
# @cee: JSON, behind the syslog header).  For every line it sends one mail
# to the ADDRESSes through SENDMAIL (default /usr/sbin/sendmail, which
# Postfix and Sendmail both provide).  Install it as
# /usr/local/sbin/tlsrpt-alert (mode 755), the path the snippets use.
# See doc/alerting.md.
#
# The events are, by default, those of the stateful alert mode
# (tlsrpt-lookout --alert, run by tlsrpt-lookout-alert.timer): problem, recovered,
# silent and others, plus the milter's error lines; with the snippets' per-line
# option also every failure and failure-omitted line.  The subject names
# the event, the policy domain, and for a problem, recovered or failure
# the result type and the receiving MX (its IP when the report names no
# MX) - what failed, not the host that logged it; a silent event names the
# reporter, an error the logging host;
# the body is the line itself, then for a problem or recovered event what
# the result type means and its usual fix (tlsrpt-lookout --explain), and
# for problem, recovered and silent the digest's summary of the domain
# over the last 7 days (with, when the logs hold Postfix's smtpd lines,
# whether each failure reached our MX), read from the logs named by -l
# (default the rsyslog recipe's file of verified origin,
# /var/log/tlsrpt-milter/milter.log.1 and milter.log, when it is there,
# else /var/log/mail.log.1 /var/log/mail.log, where a local user can forge
# lines; those that exist and are readable).  -d names the tlsrpt-lookout program (default
# /usr/bin/tlsrpt-lookout); without it the mail has the line alone.
#
# The line comes from a report, i.e. from a stranger: it is only ever
# printed as data (printf %s), never evaluated; the subject keeps only
# letters, digits and . _ - : @ and space, and so do the domain and
# result type given to tlsrpt-lookout and awk; control characters are taken
# out of the body; recipients are given on sendmail's command line after
# "--" (never taken from the line or from headers, no -t).  A failed
# sendmail is reported on stderr and the next line is read: the syslog
# daemon restarts a program that exits.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

sendmail=/usr/sbin/sendmail
digest=/usr/bin/tlsrpt-lookout
logs="/var/log/mail.log.1 /var/log/mail.log"
[ -r /var/log/tlsrpt-milter/milter.log ] &&
    logs="/var/log/tlsrpt-milter/milter.log.1 /var/log/tlsrpt-milter/milter.log"
while [ $# -ge 2 ]; do
    case $1 in
    -s) sendmail=$2 ;;
    -d) digest=$2 ;;
    -l) logs=$2 ;;
    *) break ;;
    esac
    shift 2
done
if [ $# -eq 0 ]; then
    echo "usage: tlsrpt-alert [-s SENDMAIL] [-d TLSRPT-LOOKOUT] [-l \"LOGFILE...\"] ADDRESS..." >&2
    exit 2
fi
# the addresses tlsrpt-lookout --mail takes: user@domain or a bare local
# name, no leading "-" or "@", no space, control character, comma, quote,
# bracket, semicolon or backslash
for a in "$@"; do
    case $a in
    "" | -* | @* | *[!!-~]* | *[\<\>,\"\(\)\;\\]*)
        echo "tlsrpt-alert: not a plain address: $a" >&2
        exit 2
        ;;
    esac
done
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
    *) printf '%s\n' "$1" |
        sed -n -E 's/^[^"]*: (failure-omitted|failure|error|problem|recovered|silent|others) .*/\1/p' ;;
    esac
}

# safe - a header-safe version of a value: safe TEXT MAXLEN
safe() {
    printf '%s' "$1" | tr -cd 'A-Za-z0-9._:@ -' | cut -c "1-$2"
}

# explain - what a result type means and its usual fix: explain RESULT-TYPE
explain() {
    [ -n "$1" ] && [ -x "$digest" ] || return 0
    text=$("$digest" --explain "$1" 2>/dev/null) || return 0
    printf '\nWhat it means\n\n%s\n' "$text" | fold -s -w 76
}

# summary - the digest's section of a domain, the 7 days up to a day: summary DOMAIN YYYY-MM-DD
summary() {
    [ -n "$1" ] && [ -x "$digest" ] || return 0
    dom=$1
    case $2 in
    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) set -- --today "$2" ;;
    *) set -- ;;
    esac
    n=0
    for f in $logs; do
        [ -r "$f" ] && set -- "$@" "$f" && n=$((n + 1))
    done
    [ "$n" -gt 0 ] || return 0
    text=$("$digest" --days 7 "$@" 2>/dev/null |
        awk -v d="== $dom:" -v v="== $dom (" \
            'index($0, d) == 1 || index($0, v) == 1 { on = 1 } on && $0 == "" { exit } on { print }')
    [ -n "$text" ] && printf '\nThe 7 days of %s up to the event (tlsrpt-lookout)\n\n%s\n' "$dom" "$text"
    return 0
}

while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    ev=$(safe "$(event "$line")" 20)
    dom=$(safe "$(field "$line" policy-domain)" 100)
    rt=$(safe "$(field "$line" result-type)" 64)
    who=$(safe "$(field "$line" reporter)" 100)
    day=$(safe "$(field "$line" last-day)$(field "$line" last-seen)" 10)
    mx=$(safe "$(field "$line" receiving-mx-hostname)" 100)
    [ -n "$mx" ] || mx=$(safe "$(field "$line" receiving-ip)" 64)
    case $ev in
    problem | recovered | failure) subject="TLS-RPT $ev for $dom: ${rt:-unknown} at ${mx:-an unnamed MX}" ;;
    silent) subject="TLS-RPT silent: ${who:+$who for }$dom" ;;
    failure-omitted) subject="TLS-RPT failure-omitted for $dom" ;;
    others) subject="TLS-RPT: events about domains not ours, summed up, on $host" ;;
    *) subject="TLS-RPT ${ev:-alert}${dom:+ for $dom} on $host" ;;
    esac
    {
        printf 'To: %s\n' "$(safe "$*" 400)"
        printf 'Subject: %s\n' "$subject"
        printf 'Auto-Submitted: auto-generated\n'
        printf 'Content-Type: text/plain; charset=utf-8\n'
        printf 'Content-Transfer-Encoding: 8bit\n'
        printf '\n'
        printf '%s\n' "$line" | tr -d '\000-\010\013-\037\177'
        case $ev in
        problem | recovered) explain "$rt"; summary "$dom" "$day" ;;
        silent) summary "$dom" "$day" ;;
        esac
        printf '\n-- \ntlsrpt-alert on %s; the log format is described in\n' "$host"
        printf '/usr/share/doc/tlsrpt-milter/log-format.md\n'
    } | "$sendmail" -i -- "$@" || echo "tlsrpt-alert: $sendmail failed for: $subject" >&2
done
exit 0
