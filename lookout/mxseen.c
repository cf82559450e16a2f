/*
 * mxseen.c - did a reported failure reach our MX?  Postfix's smtpd lines joined to the reports
 *
 * Clients are kept per (UTC day, address) in an array that grows to
 * TLSRPT_MXSEEN_MAX_CLIENTS, found through an open-addressing table of
 * indexes sized for the maximum.  Each disconnect line is one session;
 * the reason of a failed handshake comes from the SSL_accept error line or
 * from the "TLS library problem" warning the same smtpd process writes
 * next, which names no client: the last SSL_accept error of each of
 * TLSRPT_MXSEEN_PIDS processes is remembered for it.  The join runs once,
 * in finish, over the few reported failures.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "errbuf.h"
#include "mxseen.h"
#include "reporters.h"

#define HASH_SLOTS 65536 /* a power of two, over twice TLSRPT_MXSEEN_MAX_CLIENTS */
#define HASH_FIRST 1024  /* the index's first size: it doubles while more than half full */
#define CLIENT_REASON 64

struct creason {
	char text[CLIENT_REASON];
	unsigned n;
};

struct client {
	long day;
	uint32_t v4; /* the address when is_v4 (the key compared first) */
	int is_v4;
	char ip[48];
	char name[TLSRPT_MTALOG_NAME];
	char host[32];
	unsigned sessions, tls_tried, tls_ok, tls_established, tls_failed, tls_no_mail, no_tls,
	        delivered, handshake_errors, lost_after_starttls;
	struct creason reason[TLSRPT_MXSEEN_REASONS];
	char proto[16];
};

struct pidref {
	char host[32];
	unsigned long pid;
	long client; /* -1 free */
};

struct tlsrpt_mxseen_priv {
	struct client *c;
	size_t nc, capc;
	int32_t *slot;                       /* nslot indexes into c, -1 free */
	size_t nslot;                        /* HASH_FIRST to HASH_SLOTS */
	unsigned long long *lines, *dropped; /* per day of the period */
	struct pidref pid[TLSRPT_MXSEEN_PIDS];
	size_t pidnext;
	size_t capi;
};

_Static_assert(HASH_SLOTS >= 2 * TLSRPT_MXSEEN_MAX_CLIENTS, "hash table at most half full");

/* copy - bounded copy */
static void copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size) {
		n = size - 1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * dotted_quad - an IPv4 address in inet_pton's one spelling (four decimal
 * numbers up to 255 without leading zeros, nothing else): 1 and *v set,
 * else 0.  Exactly what inet_pton(AF_INET) accepts, without its call:
 * every smtpd line of a busy log passes here.
 */
static int dotted_quad(const char *s, uint32_t *v)
{
	unsigned octet = 0, octets = 0, digits = 0;
	uint32_t r = 0;

	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			if (digits > 0 && octet == 0) {
				return 0; /* a leading zero */
			}
			octet = octet * 10 + (unsigned)(*s - '0');
			if (octet > 255) {
				return 0;
			}
			if (digits++ == 0 && ++octets > 4) {
				return 0;
			}
		} else if ((*s == '.' || *s == '\0') && digits > 0) {
			r = r << 8 | octet;
			if (*s == '\0') {
				break;
			}
			if (octets == 4) {
				return 0;
			}
			octet = digits = 0;
		} else {
			return 0;
		}
	}
	if (octets < 4) {
		return 0;
	}
	*v = r;
	return 1;
}

/* skip_v6_prefix - past a leading "IPv6:" (any case) */
static const char *skip_v6_prefix(const char *in)
{
	return (in[0] == 'i' || in[0] == 'I') && strncasecmp(in, "ipv6:", 5) == 0 ? in + 5 : in;
}

/* norm_ip - an address in one spelling (inet_ntop's), else lower-cased as given */
static void norm_ip(const char *in, char *out, size_t outlen)
{
	unsigned char bin[16];
	uint32_t v;
	size_t i;

	in = skip_v6_prefix(in);
	if (dotted_quad(in, &v)) {
		copy(out, outlen, in); /* the one dotted-decimal spelling */
		return;
	}
	if (inet_pton(AF_INET6, in, bin) == 1 && inet_ntop(AF_INET6, bin, out, outlen) != NULL) {
		return;
	}
	copy(out, outlen, in);
	for (i = 0; out[i] != '\0'; i++) {
		out[i] = tlsrpt_lower(out[i]);
	}
}

/* hash - FNV-1a of day and address */
static uint32_t hash(long day, const char *ip)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(day); i++) {
		h = (h ^ (uint32_t)((unsigned long)day >> (8 * i) & 0xff)) * 16777619u;
	}
	for (; *ip != '\0'; ip++) {
		h = (h ^ (unsigned char)*ip) * 16777619u;
	}
	return h;
}

/* hash_v4 - a multiplicative hash of day and IPv4 address */
static uint32_t hash_v4(long day, uint32_t v)
{
	uint64_t k = ((uint64_t)(unsigned long)day << 32 | v) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(k >> 32);
}

/* tlsrpt_mxseen_new - an empty join */
struct tlsrpt_mxseen *tlsrpt_mxseen_new(long first_day, long last_day, char *err, size_t errlen)
{
	struct tlsrpt_mxseen *x = calloc(1, sizeof(*x));
	size_t nd = last_day >= first_day ? (size_t)(last_day - first_day + 1) : 0, i;

	if (x == NULL || nd == 0 || (x->priv = calloc(1, sizeof(*x->priv))) == NULL ||
	    (x->priv->lines = calloc(nd, sizeof(*x->priv->lines))) == NULL ||
	    (x->priv->dropped = calloc(nd, sizeof(*x->priv->dropped))) == NULL) {
		tlsrpt_mxseen_free(x);
		tlsrpt_errbuf_set(err, errlen, nd == 0 ? "empty period" : "out of memory");
		return NULL;
	}
	x->first_day = first_day;
	x->last_day = last_day;
	for (i = 0; i < TLSRPT_MXSEEN_PIDS; i++) {
		x->priv->pid[i].client = -1;
	}
	return x;
}

/* key_hash - the index's hash of a client key */
static uint32_t key_hash(long day, int is_v4, uint32_t v, const char *ip)
{
	return is_v4 ? hash_v4(day, v) : hash(day, ip);
}

/*
 * grow - the index at twice its size (HASH_FIRST at first), every client
 * in it again: a small index stays in the CPU's cache, and a log has
 * a few hundred clients a day far more often than twenty thousand
 */
static int grow(struct tlsrpt_mxseen_priv *p)
{
	size_t n = p->slot == NULL ? HASH_FIRST : p->nslot * 2, i;
	int32_t *t = malloc(n * sizeof(*t));

	if (t == NULL) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		t[i] = -1;
	}
	for (i = 0; i < p->nc; i++) {
		const struct client *c = &p->c[i];
		uint32_t h = key_hash(c->day, c->is_v4, c->v4, c->ip) & (uint32_t)(n - 1);

		while (t[h] >= 0) {
			h = (h + 1) & (uint32_t)(n - 1);
		}
		t[h] = (int32_t)i;
	}
	free(p->slot);
	p->slot = t;
	p->nslot = n;
	return 0;
}

/* client_get - the (day, address) entry, created when new; NULL past the limit */
static struct client *client_get(struct tlsrpt_mxseen *x, long day, const struct tlsrpt_mtalog *m)
{
	struct tlsrpt_mxseen_priv *p = x->priv;
	char ip[48];
	uint32_t h, v = 0;
	struct client *c;
	/* an IPv4 address (nearly every line) is compared as a number: no copy, no string hash */
	int is_v4 = dotted_quad(skip_v6_prefix(m->ip), &v);

	if (!is_v4) {
		norm_ip(m->ip, ip, sizeof(ip));
	}
	if ((p->slot == NULL || 2 * p->nc >= p->nslot) && p->nslot < HASH_SLOTS && grow(p) < 0) {
		return NULL;
	}
	for (h = key_hash(day, is_v4, v, ip) & (uint32_t)(p->nslot - 1); p->slot[h] >= 0;
	     h = (h + 1) & (uint32_t)(p->nslot - 1)) {
		c = &p->c[p->slot[h]];
		if (c->day == day && c->is_v4 == is_v4 &&
		    (is_v4 ? c->v4 == v : strcmp(c->ip, ip) == 0)) {
			if (c->name[0] == '\0' && m->name[0] != '\0') {
				copy(c->name, sizeof(c->name), m->name);
			}
			return c;
		}
	}
	if (p->nc >= TLSRPT_MXSEEN_MAX_CLIENTS) {
		return NULL;
	}
	if (p->nc == p->capc) {
		size_t ncap = p->capc ? p->capc * 2 : 256;
		struct client *n;

		if (ncap > TLSRPT_MXSEEN_MAX_CLIENTS) {
			ncap = TLSRPT_MXSEEN_MAX_CLIENTS;
		}
		if ((n = realloc(p->c, ncap * sizeof(*n))) == NULL) {
			return NULL;
		}
		p->c = n;
		p->capc = ncap;
	}
	c = &p->c[p->nc];
	memset(c, 0, sizeof(*c));
	c->day = day;
	c->v4 = v;
	c->is_v4 = is_v4;
	if (is_v4) {
		norm_ip(m->ip, ip, sizeof(ip));
	}
	copy(c->ip, sizeof(c->ip), ip);
	copy(c->name, sizeof(c->name), m->name);
	copy(c->host, sizeof(c->host), m->host);
	p->slot[h] = (int32_t)p->nc++;
	x->st.clients++;
	return c;
}

/* add_reason - count a handshake failure reason for the client */
static void add_reason(struct client *c, const char *text)
{
	size_t i;

	if (text[0] == '\0' || strcmp(text, "-1") == 0 || strcmp(text, "0") == 0) {
		return;
	}
	for (i = 0; i < TLSRPT_MXSEEN_REASONS; i++) {
		if (c->reason[i].n == 0) {
			copy(c->reason[i].text, sizeof(c->reason[i].text), text);
			c->reason[i].n = 1;
			return;
		}
		if (strncmp(c->reason[i].text, text, sizeof(c->reason[i].text) - 1) == 0) {
			c->reason[i].n++;
			return;
		}
	}
}

/* pid_is - the remembered SSL_accept error r is of m's host and pid */
static int pid_is(const struct pidref *r, const struct tlsrpt_mtalog *m)
{
	return r->client >= 0 && r->pid == m->pid &&
	       strncmp(r->host, m->host, sizeof(r->host) - 1) == 0;
}

/*
 * pid_find - the remembered SSL_accept error of host and pid; NULL when
 * none.  There is at most one (a process's next error takes its entry):
 * the one remembered last, which the warning line right after it asks
 * for, is tried first.
 */
static struct pidref *pid_find(struct tlsrpt_mxseen_priv *p, const struct tlsrpt_mtalog *m)
{
	size_t i = (p->pidnext + TLSRPT_MXSEEN_PIDS - 1) % TLSRPT_MXSEEN_PIDS;

	if (pid_is(&p->pid[i], m)) {
		return &p->pid[i];
	}
	for (i = 0; i < TLSRPT_MXSEEN_PIDS; i++) {
		if (pid_is(&p->pid[i], m)) {
			return &p->pid[i];
		}
	}
	return NULL;
}

/* tlsrpt_mxseen_line - count one smtpd line */
void tlsrpt_mxseen_line(struct tlsrpt_mxseen *x, const struct tlsrpt_mtalog *m, long day)
{
	struct tlsrpt_mxseen_priv *p = x->priv;
	size_t di;
	struct client *c;
	struct pidref *r;

	x->st.lines++;
	if (day < x->first_day || day > x->last_day) {
		x->st.outside++;
		return;
	}
	di = (size_t)(day - x->first_day);
	if (p->lines[di]++ == 0) {
		x->st.days_logged++;
	}
	if (m->kind == TLSRPT_MTA_CONNECT) {
		return; /* the disconnect line counts the session */
	}
	if (m->kind == TLSRPT_MTA_TLS_PROBLEM) {
		if ((r = pid_find(p, m)) != NULL) {
			add_reason(&p->c[r->client], m->text);
			r->client = -1;
		}
		return;
	}
	if ((c = client_get(x, day, m)) == NULL) {
		p->dropped[di]++;
		x->st.dropped++;
		return;
	}
	switch (m->kind) {
	case TLSRPT_MTA_DISCONNECT:
		c->sessions++;
		if (m->tls_tried > 0) {
			c->tls_tried += (unsigned)m->tls_tried;
			c->tls_ok += (unsigned)m->tls_ok;
		}
		if (m->tls_tried > m->tls_ok) {
			c->tls_failed++;
		}
		if (m->tls_tried <= 0) {
			c->no_tls++;
		} else if (m->tls_ok > 0 && m->mail > 0) {
			c->delivered++;
		} else if (m->tls_ok > 0) {
			c->tls_no_mail++;
		}
		break;
	case TLSRPT_MTA_SSL_ERROR:
		c->handshake_errors++;
		add_reason(c, m->text);
		r = pid_find(p, m);
		if (r == NULL) {
			r = &p->pid[p->pidnext];
			p->pidnext = (p->pidnext + 1) % TLSRPT_MXSEEN_PIDS;
		}
		copy(r->host, sizeof(r->host), m->host);
		r->pid = m->pid;
		r->client = (long)(c - p->c);
		break;
	case TLSRPT_MTA_LOST_STARTTLS:
		c->lost_after_starttls++;
		break;
	case TLSRPT_MTA_TLS_OK:
		c->tls_established++;
		copy(c->proto, sizeof(c->proto), m->text);
		break;
	default:
		break;
	}
}

/* tlsrpt_mxseen_failure - note one failure detail */
void tlsrpt_mxseen_failure(struct tlsrpt_mxseen *x, const struct tlsrpt_mxseen_failure *f)
{
	struct tlsrpt_mxseen_priv *p = x->priv;
	struct tlsrpt_mxseen_item *it;
	char ip[64];
	size_t i;

	norm_ip(f->sending_ip != NULL ? f->sending_ip : "", ip, sizeof(ip));
	for (i = 0; i < x->nitem; i++) {
		it = &x->item[i];
		if (it->day == f->day && strcasecmp(it->domain, f->domain) == 0 &&
		    strcmp(it->reporter, f->reporter) == 0 && strcmp(it->sending_ip, ip) == 0 &&
		    strcmp(it->result_type, f->result_type) == 0 &&
		    strcmp(it->policy_type, f->policy_type) == 0 &&
		    strcasecmp(it->mx, f->mx) == 0 && strcmp(it->ip, f->ip) == 0) {
			it->failed += f->failed;
			return;
		}
	}
	if (x->nitem >= TLSRPT_MXSEEN_MAX_ITEMS) {
		x->st.items_dropped++;
		return;
	}
	if (x->nitem == p->capi) {
		size_t ncap = p->capi ? p->capi * 2 : 16;
		struct tlsrpt_mxseen_item *n;

		if (ncap > TLSRPT_MXSEEN_MAX_ITEMS) {
			ncap = TLSRPT_MXSEEN_MAX_ITEMS;
		}
		if ((n = realloc(x->item, ncap * sizeof(*n))) == NULL) {
			x->st.items_dropped++;
			return;
		}
		x->item = n;
		p->capi = ncap;
	}
	it = &x->item[x->nitem++];
	memset(it, 0, sizeof(*it));
	copy(it->domain, sizeof(it->domain), f->domain);
	for (i = 0; it->domain[i] != '\0'; i++) {
		it->domain[i] = tlsrpt_lower(it->domain[i]);
	}
	it->day = f->day;
	copy(it->reporter, sizeof(it->reporter), f->reporter);
	copy(it->sending_ip, sizeof(it->sending_ip), ip);
	copy(it->result_type, sizeof(it->result_type), f->result_type);
	copy(it->policy_type, sizeof(it->policy_type), f->policy_type);
	copy(it->mx, sizeof(it->mx), f->mx);
	copy(it->ip, sizeof(it->ip), f->ip);
	copy(it->reason, sizeof(it->reason), f->reason != NULL ? f->reason : "");
	it->failed = f->failed;
}

/* merge - add a matching client's figures to the evidence */
static void merge(struct tlsrpt_mxseen_evidence *ev, const struct client *c)
{
	size_t i, j;

	if (ev->clients++ == 0) {
		copy(ev->ip, sizeof(ev->ip), c->ip);
		copy(ev->name, sizeof(ev->name), c->name);
		copy(ev->host, sizeof(ev->host), c->host);
	}
	ev->sessions += c->sessions;
	ev->tls_tried += c->tls_tried;
	ev->tls_ok += c->tls_ok;
	ev->tls_established += c->tls_established;
	ev->tls_failed += c->tls_failed;
	ev->tls_no_mail += c->tls_no_mail;
	ev->no_tls += c->no_tls;
	ev->delivered += c->delivered;
	ev->handshake_errors += c->handshake_errors;
	ev->lost_after_starttls += c->lost_after_starttls;
	if (c->proto[0] != '\0') {
		copy(ev->proto, sizeof(ev->proto), c->proto);
	}
	for (i = 0; i < TLSRPT_MXSEEN_REASONS && c->reason[i].n > 0; i++) {
		for (j = 0; j < ev->nreason; j++) {
			if (strcmp(ev->reason[j].text, c->reason[i].text) == 0) {
				ev->reason[j].n += c->reason[i].n;
				break;
			}
		}
		if (j == ev->nreason && ev->nreason < TLSRPT_MXSEEN_REASONS) {
			copy(ev->reason[j].text, sizeof(ev->reason[j].text), c->reason[i].text);
			ev->reason[j].n = c->reason[i].n;
			ev->nreason++;
		}
	}
}

/* by_key - items by domain, day, reporter, result type */
static int by_key(const void *a, const void *b)
{
	const struct tlsrpt_mxseen_item *x = a, *y = b;
	int r;

	if ((r = strcmp(x->domain, y->domain)) != 0) {
		return r;
	}
	if (x->day != y->day) {
		return x->day < y->day ? -1 : 1;
	}
	if ((r = strcmp(x->reporter, y->reporter)) != 0) {
		return r;
	}
	if ((r = strcmp(x->result_type, y->result_type)) != 0) {
		return r;
	}
	if ((r = strcmp(x->sending_ip, y->sending_ip)) != 0) {
		return r;
	}
	return strcmp(x->mx, y->mx) != 0 ? strcmp(x->mx, y->mx) : strcmp(x->ip, y->ip);
}

/* tlsrpt_mxseen_finish - judge and sort */
void tlsrpt_mxseen_finish(struct tlsrpt_mxseen *x)
{
	struct tlsrpt_mxseen_priv *p = x->priv;
	size_t i, j;

	for (i = 0; i < x->nitem; i++) {
		struct tlsrpt_mxseen_item *it = &x->item[i];
		struct tlsrpt_mxseen_evidence *ev = &it->ev;
		size_t di = (size_t)(it->day - x->first_day);

		memset(ev, 0, sizeof(*ev));
		it->by_ip = it->sending_ip[0] != '\0';
		if (it->day < x->first_day || it->day > x->last_day) {
			it->verdict = TLSRPT_MX_NO_LOG;
			continue;
		}
		it->dropped = (unsigned long)p->dropped[di];
		for (j = 0; j < p->nc; j++) {
			const struct client *c = &p->c[j];

			if (c->day != it->day) {
				continue;
			}
			if (it->by_ip ? strcmp(c->ip, it->sending_ip) == 0
			              : tlsrpt_reporters_client(it->reporter, c->name)) {
				merge(ev, c);
			}
		}
		if (p->lines[di] == 0) {
			it->verdict = TLSRPT_MX_NO_LOG;
		} else if (ev->tls_failed + ev->tls_no_mail + ev->no_tls + ev->handshake_errors +
		                   ev->lost_after_starttls >
		           0) {
			it->verdict = TLSRPT_MX_SEEN;
		} else {
			it->verdict = TLSRPT_MX_NOT_SEEN;
		}
	}
	if (x->nitem > 1) { /* (item is NULL while there is none: qsort's argument must not be) */
		qsort(x->item, x->nitem, sizeof(x->item[0]), by_key);
	}
}

/* tlsrpt_mxseen_verdict_name - the label */
const char *tlsrpt_mxseen_verdict_name(enum tlsrpt_mxseen_verdict v)
{
	switch (v) {
	case TLSRPT_MX_SEEN:
		return "seen at our MX";
	case TLSRPT_MX_NOT_SEEN:
		return "not seen at our MX";
	default:
		return "no MX log for the day";
	}
}

/* tlsrpt_mxseen_means - what the verdict means for the fix */
const char *tlsrpt_mxseen_means(const struct tlsrpt_mxseen_item *it)
{
	const struct tlsrpt_mxseen_evidence *ev = &it->ev;

	switch (it->verdict) {
	case TLSRPT_MX_SEEN:
		if (ev->tls_failed + ev->handshake_errors + ev->lost_after_starttls > 0) {
			return "The sender reached our MX and the TLS handshake failed there (the reasons are what Postfix logged): the fix is on our MX, in the certificate, chain, name or TLS settings it presents.";
		}
		if (ev->tls_no_mail > 0) {
			return "The sender reached our MX, completed the TLS handshake and then sent no mail: a sender that checks the certificate after the handshake (as Postfix does) gave up there, and Postfix logs no reason on our side. Check the certificate our MX presents: its names against the MX name, its expiry, its chain.";
		}
		return "The sender reached our MX and did not use STARTTLS: our MX did not offer it (smtpd_tls_security_level, a certificate that failed to load, a middlebox stripping STARTTLS from the EHLO reply) or the sender did not ask. Check the EHLO reply of our MX.";
	case TLSRPT_MX_NOT_SEEN:
		if (ev->sessions > 0) {
			return "The reporter's sessions with our MX that day all delivered over TLS: the failure did not happen here, but before the sender reached us (DNS, the MTA-STS policy fetch, TLSA lookups) or at another MX or an address that is not ours. Check the receiving MX and IP the report names.";
		}
		return "No session of the reporter reached our MX that day: the failure happened before the sender reached us (DNS, the MTA-STS policy fetch, TLSA lookups) or at a path or an address that is not ours. Check the MX and TLSA records, the policy at https://mta-sts.DOMAIN/.well-known/mta-sts.txt and the receiving MX and IP the report names.";
	default:
		return "The logs read hold no smtpd line of that day, so whether the sender reached our MX cannot be said: give the digest the mail log that covers the day, with Postfix's own lines.";
	}
}

/* tlsrpt_mxseen_free - release */
void tlsrpt_mxseen_free(struct tlsrpt_mxseen *x)
{
	if (x == NULL) {
		return;
	}
	if (x->priv != NULL) {
		free(x->priv->c);
		free(x->priv->slot);
		free(x->priv->lines);
		free(x->priv->dropped);
	}
	free(x->priv);
	free(x->item);
	free(x);
}
