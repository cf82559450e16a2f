/*
 * settings.c - the running configuration as reference-counted snapshots
 *
 * "current" holds one reference of its own; tlsrpt_settings_get() adds
 * one under a mutex (so a swap cannot free the snapshot between reading
 * the pointer and counting the reference), tlsrpt_settings_put() drops
 * one with an atomic decrement and frees at zero.  Messages hold a
 * reference from envfrom to their end; the reload thread swaps.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "settings.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct tlsrpt_settings *current;
static unsigned long generations;

/* snapshot - a new snapshot of cfg with one reference; NULL: no memory */
static struct tlsrpt_settings *snapshot(struct tlsrpt_conf *cfg)
{
	struct tlsrpt_settings *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		return NULL;
	}
	atomic_init(&s->refs, 1);
	s->cfg = cfg;
	tlsrpt_conf_limits(cfg, &s->lim);
	return s;
}

struct tlsrpt_settings *tlsrpt_settings_init(struct tlsrpt_conf *cfg)
{
	struct tlsrpt_settings *s = snapshot(cfg);

	if (s == NULL) {
		return NULL;
	}
	s->generation = generations = 1;
	atomic_fetch_add(&s->refs, 1); /* the caller's */
	pthread_mutex_lock(&lock);
	current = s;
	pthread_mutex_unlock(&lock);
	return s;
}

struct tlsrpt_settings *tlsrpt_settings_get(void)
{
	struct tlsrpt_settings *s;

	pthread_mutex_lock(&lock);
	s = current;
	if (s != NULL) {
		atomic_fetch_add(&s->refs, 1);
	}
	pthread_mutex_unlock(&lock);
	return s;
}

void tlsrpt_settings_put(struct tlsrpt_settings *s)
{
	if (s != NULL && atomic_fetch_sub(&s->refs, 1) == 1) {
		tlsrpt_conf_free(s->cfg);
		free(s);
	}
}

unsigned long tlsrpt_settings_swap(struct tlsrpt_conf *cfg)
{
	struct tlsrpt_settings *s = snapshot(cfg), *old;

	if (s == NULL) {
		tlsrpt_conf_free(cfg);
		return 0;
	}
	pthread_mutex_lock(&lock);
	s->generation = ++generations;
	old = current;
	current = s;
	pthread_mutex_unlock(&lock);
	tlsrpt_settings_put(old);
	return s->generation;
}

void tlsrpt_settings_end(void)
{
	struct tlsrpt_settings *s;

	pthread_mutex_lock(&lock);
	s = current;
	current = NULL;
	pthread_mutex_unlock(&lock);
	tlsrpt_settings_put(s);
}
