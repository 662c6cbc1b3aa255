// Colours of the report's heatmaps (SVG and HTML share them, so both show the same picture).
import type { ByteBehaviour } from '../analysis/heatmap.js';

/** Per heat level 0..5 (analysis/heat-level): never changes → changes in most frames. */
export const HEAT_COLOURS = ['#eef1f5', '#c6dbef', '#6baed6', '#fdd049', '#f4802a', '#c8102e'] as const;
/** A cell no frame of the row reaches (shorter frames). */
export const ABSENT_COLOUR = '#ffffff';

export const STATE_COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'] as const;

export function stateColour(index: number): string {
  return STATE_COLOURS[index % STATE_COLOURS.length]!;
}

export function heatColour(level: number): string {
  return level < 0 ? ABSENT_COLOUR : HEAT_COLOURS[Math.min(level, HEAT_COLOURS.length - 1)]!;
}

export const BEHAVIOUR_COLOURS: Record<ByteBehaviour, string> = {
  static: '#eef1f5',
  state: '#2ca25f',
  toggling: '#9e9ac8',
  rising: '#fdae6b',
  falling: '#6baed6',
  noisy: '#de2d26',
};

/** Per-state bit view: constant 1, constant 0, varying. */
export const BIT_STATE_COLOURS = { '1': '#31a354', '0': '#d9d9d9', x: '#fd8d3c' } as const;

export const CHECKSUM_OK = '#2ca25f';
export const CHECKSUM_BAD = '#de2d26';
