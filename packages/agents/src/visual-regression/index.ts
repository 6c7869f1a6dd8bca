// The visual-regression agent: screenshots at fixed viewports compared with a baseline (pixelmatch).
export { DEFAULT_REFERENCE_STYLES, DEFAULT_VISUAL_DIR, VISUAL_STRATEGIES, VisualRegressionCore } from './VisualRegressionCore.js';
export type { Viewport, VisualConfig, VisualRegressionOptions, VisualReport } from './VisualRegressionCore.js';
export { compareScreenshots } from './compareScreenshots.js';
export type { ChangedRegion, CompareOptions, MaskRect, ScreenshotComparison } from './compareScreenshots.js';
export { dynamicMasks, elementBoxes } from './dynamicMasks.js';
export type { MaskedRegion } from './dynamicMasks.js';
export { ReferenceStyles } from './ReferenceStyles.js';
export { STYLE_PROPERTIES, computedStyles, regionSelector } from './regionSelector.js';
export { VisualRegressionAgent } from './VisualRegressionAgent.js';
export type { VisualRegressionAgentOptions } from './VisualRegressionAgent.js';
