/*
 * dnsnote.c - tlsrpt-lookout --dns: the _smtp._tls record of each domain
 * that sent no report in the period (see dnsnote.h)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dnsnote.h"
#include "dnsq.h"
#include "errbuf.h"

int tlsrpt_dnsnote_collect(struct tlsrpt_dnsnote *dn, const struct tlsrpt_digest *d,
                           const char *config, char *err, size_t errlen)
{
	struct tlsrpt_conf *cfg = NULL;
	struct tlsrpt_dnsq_answer *a;

	dn->n = 0;
	if (config != NULL) {
		if ((cfg = tlsrpt_conf_new(err, errlen)) == NULL ||
		    tlsrpt_conf_load(cfg, config, err, errlen) < 0) {
			tlsrpt_conf_free(cfg);
			return -1;
		}
	}
	if ((a = malloc(sizeof(*a))) == NULL) {
		tlsrpt_conf_free(cfg);
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < d->ndom && dn->n < TLSRPT_LOOKOUT_MAX_DOMAINS; i++) {
		const struct tlsrpt_digest_domain *dom = d->dom[i];
		struct tlsrpt_render_dns *v = &dn->v[dn->n];
		char *detail = dn->detail[dn->n];
		size_t dlen = sizeof(dn->detail[0]);
		struct tlsrpt_rec_txt txt[TLSRPT_DNSQ_MAX_RR];
		struct tlsrpt_rec_result r;
		char name[TLSRPT_LOOKOUT_NAME + 16], qerr[128];

		if (dom->reports > 0) {
			continue;
		}
		v->domain = dom->name;
		snprintf(name, sizeof(name), "_smtp._tls.%s", dom->name);
		if (tlsrpt_dnsq_lookup(name, TLSRPT_DNSQ_TXT, a, qerr, sizeof(qerr)) < 0) {
			v->verdict = tlsrpt_rec_name(TLSRPT_REC_NOANSWER);
			tlsrpt_errbuf_set(detail, dlen, "DNS gave %s; nothing is known", qerr);
		} else {
			for (size_t k = 0; k < a->n; k++) {
				txt[k].s = a->rr[k];
				txt[k].len = a->len[k];
			}
			if (cfg != NULL) {
				tlsrpt_rec_judge(txt, a->n, cfg->report_address.v,
				                 cfg->report_address.n, cfg->recipient_delimiter,
				                 &r);
			} else {
				tlsrpt_rec_judge(txt, a->n, NULL, 0, NULL, &r);
			}
			v->verdict = tlsrpt_rec_name(r.verdict);
			tlsrpt_errbuf_set(detail, dlen, "%s", r.detail);
		}
		v->detail = detail;
		dn->n++;
	}
	free(a);
	tlsrpt_conf_free(cfg);
	return 0;
}
