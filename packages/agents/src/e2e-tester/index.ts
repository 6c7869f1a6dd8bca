// The e2e-tester agent: pages, links, forms and flows driven in headless Chromium.
export { E2E_STRATEGIES, E2eTesterCore } from './E2eTesterCore.js';
export type { E2eConfig, E2eReport, E2eTesterOptions } from './E2eTesterCore.js';
export { FlowRunner, routeOf } from './FlowRunner.js';
export type { FormFailure } from './FlowRunner.js';
export { isTextField, valueFor } from './formValues.js';
export { linkStatus } from './linkStatus.js';
export type { LinkStatus } from './linkStatus.js';
export { markerExecuted, xssPayload } from './probeXss.js';
export type { XssProof } from './probeXss.js';
export { E2eTesterAgent } from './E2eTesterAgent.js';
export type { E2eTesterAgentOptions } from './E2eTesterAgent.js';
