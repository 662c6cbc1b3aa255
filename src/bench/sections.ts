// The benchmark sections `npm run bench` runs, in order. Add a section here (one module each).
import { analysisBench } from './analysis.js';
import { captureBench } from './capture-bench.js';
import { fieldsBench } from './fields.js';
import { startupBench } from './startup-bench.js';
import type { BenchSection } from './table.js';

export const SECTIONS: BenchSection[] = [startupBench, captureBench, analysisBench, fieldsBench];
