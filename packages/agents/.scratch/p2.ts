import { runProcess } from '../src/kit/process/runProcess.js';
const orig = runProcess;
