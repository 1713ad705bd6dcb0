import type { AnyStateMachine } from 'xstate';
import { machineGraph } from './machineGraph.ts';
import { type RenderStatechartOptions, renderStatechartSvg } from './renderStatechartSvg.ts';
import { layoutStatechart } from './statechartLayout.ts';

/**
 * A machine's statechart as an SVG string: graph, ELK layout, render, in one call.
 *
 * @example await writeFile('chart.svg', await drawStatechart(updateLifecycle))
 */
export async function drawStatechart(
  machine: AnyStateMachine,
  options: RenderStatechartOptions = {},
): Promise<string> {
  return renderStatechartSvg(await layoutStatechart(machineGraph(machine)), options);
}
