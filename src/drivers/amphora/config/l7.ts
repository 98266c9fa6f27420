import type { L7CompareType, L7Rule } from '../../../models';
import { fail, nameOf, type Owner, printableOf, tokenOf } from './checks';
import type { ListenerView, PolicyView, PoolView } from './model';
import { haproxyLogFormatWord, haproxyWord, regexLiteral } from './quote';

const MATCH: Record<L7CompareType, string> = {
  REGEX: '-m reg',
  STARTS_WITH: '-m beg',
  ENDS_WITH: '-m end',
  CONTAINS: '-m sub',
  EQUAL_TO: '-m str',
};

/** The variable an L7 policy that picks a pool writes its backend's name to. */
const POOL_VAR = 'txn.l7_pool';
const NO_POOL_YET = `!{ var(${POOL_VAR}) -m found }`;
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/**
 * A rule's pattern. `--` ends haproxy's flags, so a value such as `-f /etc/passwd` is a pattern, not an option.
 */
function pattern(rule: L7Rule): string {
  return `${MATCH[rule.compareType]} -- ${haproxyWord(rule.value)}`;
}

/**
 * FILE_TYPE compares the path's extension (after the last `.` of its last segment); a leading `.` in the value is
 * optional. REGEX is matched against the whole path, as Octavia does (`path_end -m reg`).
 */
function fileTypePattern(rule: L7Rule): string {
  if (rule.compareType === 'REGEX') return `-m reg -- ${haproxyWord(rule.value)}`;
  const ext = regexLiteral(rule.value.replace(/^\./, ''));
  const rest = '[^./]*';
  const regex: Record<Exclude<L7CompareType, 'REGEX'>, string> = {
    EQUAL_TO: `\\.${ext}$`,
    STARTS_WITH: `\\.${ext}${rest}$`,
    ENDS_WITH: `\\.${rest}${ext}$`,
    CONTAINS: `\\.${rest}${ext}${rest}$`,
  };
  return `-m reg -- ${haproxyWord(regex[rule.compareType])}`;
}

/** One rule as a named ACL (the rule's id), without its `invert`, which the policy's condition applies. */
function aclLine(rule: L7Rule): string {
  const owner = { type: 'l7rule', id: rule.id };
  const name = nameOf(owner);
  switch (rule.type) {
    case 'HOST_NAME':
      return `acl ${name} req.hdr(host) -i ${pattern(rule)}`;
    case 'PATH':
      return `acl ${name} path ${pattern(rule)}`;
    case 'FILE_TYPE':
      return `acl ${name} path ${fileTypePattern(rule)}`;
    case 'HEADER':
      return `acl ${name} ${haproxyWord(`req.hdr(${tokenOf(owner, 'key', rule.key)})`)} ${pattern(rule)}`;
    case 'COOKIE':
      return `acl ${name} ${haproxyWord(`req.cook(${tokenOf(owner, 'key', rule.key)})`)} ${pattern(rule)}`;
    case 'SSL_CONN_HAS_CERT':
      // A yes/no fact about the connection: the value and compare type carry nothing (Octavia: "tautology").
      return `acl ${name} ssl_c_used`;
    case 'SSL_VERIFY_RESULT':
      if (!/^\d{1,9}$/.test(rule.value)) fail(owner, 'value', rule.value, 'must be an OpenSSL verify result code');
      return `acl ${name} ssl_c_verify eq ${rule.value}`;
    case 'SSL_DN_FIELD':
      return `acl ${name} ${haproxyWord(`ssl_c_s_dn(${tokenOf(owner, 'key', rule.key)})`)} ${pattern(rule)}`;
  }
}

/**
 * A listener's L7 policies, in position order, as ACLs and `http-request` rules; the caller puts them in an HTTP
 * frontend before its `default_backend`.
 *
 * haproxy runs every `http-request` rule before any `redirect` rule and those before any `use_backend`, whatever
 * the order they are written in; rendered as Octavia does (`http-request deny`, `redirect`, `use_backend`), a
 * REJECT at position 3 would win over a REDIRECT_TO_POOL at position 1. So every policy is an `http-request` rule:
 * REJECT and the redirects are final, and REDIRECT_TO_POOL writes its backend's name to a variable that no later
 * policy overrides (each later one requires the variable unset) and that a single dynamic `use_backend` reads.
 *
 * A policy without rules that are up never applies, as in Octavia; nor does a REDIRECT_TO_POOL whose pool is down
 * or being deleted. Rules of a policy are ANDed; `invert` negates one rule.
 *
 * @param backendName - the name of this listener's backend for a pool
 * @throws UnrenderableValueError for a value that cannot be rendered (see the rule types and redirect checks)
 */
export function l7Lines(view: ListenerView, backendName: (pool: PoolView) => string): string[] {
  const acls: string[] = [];
  const rules: string[] = [];
  let poolPicked = false;
  for (const policyView of view.policies.filter(applies)) {
    const { policy, rules: policyRules, redirectPool } = policyView;
    const owner = { type: 'l7policy', id: policy.id };
    acls.push(...policyRules.map(aclLine));
    const condition = [
      ...policyRules.map((r) => `${r.invert ? '!' : ''}${r.id}`),
      ...(poolPicked ? [NO_POOL_YET] : []),
    ];
    const when = `if ${condition.join(' ')}`;
    const code = policy.redirectHttpCode ?? 302;
    if (policy.action.startsWith('REDIRECT_') && !REDIRECT_CODES.has(code)) {
      fail(owner, 'redirectHttpCode', code, 'must be 301, 302, 303, 307 or 308');
    }
    switch (policy.action) {
      case 'REJECT':
        rules.push(`http-request deny ${when}`);
        break;
      case 'REDIRECT_TO_URL':
        rules.push(
          `http-request redirect location ${target(owner, 'redirectUrl', policy.redirectUrl)} code ${code} ${when}`,
        );
        break;
      case 'REDIRECT_PREFIX':
        rules.push(
          `http-request redirect prefix ${target(owner, 'redirectPrefix', policy.redirectPrefix)} code ${code} ${when}`,
        );
        break;
      case 'REDIRECT_TO_POOL':
        rules.push(`http-request set-var(${POOL_VAR}) str(${backendName(redirectPool as PoolView)}) ${when}`);
        poolPicked = true;
        break;
    }
  }
  const useBackend = poolPicked ? [`use_backend %[var(${POOL_VAR})] if { var(${POOL_VAR}) -m found }`] : [];
  return [...acls, ...rules, ...useBackend];
}

/** Whether a policy can ever apply: it has rules that are up, and a pool that is up when it redirects to one. */
export function applies(view: PolicyView): boolean {
  return view.rules.length > 0 && (view.policy.action !== 'REDIRECT_TO_POOL' || view.redirectPool !== undefined);
}

/** A redirect's URL or prefix: a Location header's value, so no control character; a log-format literal. */
function target(owner: Owner, field: string, value: string | undefined): string {
  if (value === undefined || value === '') fail(owner, field, value, 'is required by this action');
  return haproxyLogFormatWord(printableOf(owner, field, value, false));
}
