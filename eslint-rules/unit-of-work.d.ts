import type { Rule } from 'eslint';

export declare const WRITES: ReadonlySet<string>;
declare const rule: Rule.RuleModule;
export default rule;
