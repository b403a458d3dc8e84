/**
 * The log prior of a parameter point, one workgroup per latent site (shaders/infer/site-logprob.wgsl):
 * `sites` holds SITE_WORDS words per site: its offset and count in `params`, its prior kind, two
 * prior parameters as f32 bits.
 */
import { MATH, FLAT_INDEX } from '../library.js';
import { defineProgram, type Program } from '../program.js';
import { u32, type BindingSpec } from '../wgsl.js';
import { readF32, writeF32 } from '../bindings.js';

export const SITE_WORDS = 5;
/** Normal(loc, scale): p1 = loc, p2 = scale. */
export const SITE_KIND_NORMAL = 0;
/** Gamma(concentration, rate). */
export const SITE_KIND_GAMMA = 1;
/** LogNormal(loc, scale) (of log x). */
export const SITE_KIND_LOGNORMAL = 2;
/** HalfNormal(scale): p1 = scale. */
export const SITE_KIND_HALFNORMAL = 3;
/** HalfCauchy(scale): p1 = scale. */
export const SITE_KIND_HALFCAUCHY = 4;
/** Exponential(rate): p1 = rate. */
export const SITE_KIND_EXPONENTIAL = 5;
/** Uniform(low, high). */
export const SITE_KIND_UNIFORM = 6;

export interface SiteRun {
  readonly sites: number;
}

export function siteLogProbProgram(): Program<SiteRun> {
  const sites: BindingSpec = { name: 'sites', access: 'read', type: 'array<u32>' };
  return defineProgram({
    family: 'site_logprob',
    params: {},
    wgsl: {
      consts: {
        SITE_WORDS: u32(SITE_WORDS),
        SITE_KIND_GAMMA: u32(SITE_KIND_GAMMA),
        SITE_KIND_LOGNORMAL: u32(SITE_KIND_LOGNORMAL),
        SITE_KIND_HALFNORMAL: u32(SITE_KIND_HALFNORMAL),
        SITE_KIND_HALFCAUCHY: u32(SITE_KIND_HALFCAUCHY),
        SITE_KIND_EXPONENTIAL: u32(SITE_KIND_EXPONENTIAL),
        SITE_KIND_UNIFORM: u32(SITE_KIND_UNIFORM),
      },
      bindings: [readF32('params'), sites, writeF32('site_lp')],
      libraries: [FLAT_INDEX, MATH],
      body: ['infer/site-logprob'],
    },
    workgroups: (run) => [run.sites, 1, 1],
  });
}
