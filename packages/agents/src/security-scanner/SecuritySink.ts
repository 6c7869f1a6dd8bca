import type { DefectKind, Severity } from '../kit/findings/Finding.js';

/** A dangerous sink reached with data the rule could not prove constant or escaped. */
export interface SecuritySink {
  kind: DefectKind;
  file: string;
  line: number;
  rule: string;
  message: string;
  evidence: string;
  confidence: number;
  /** What the rule proves sets it; default by kind (`xss` high, injections critical). */
  severity?: Severity;
}
