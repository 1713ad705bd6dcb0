import { type AnyEventObject, type EventObject, fromCallback } from 'xstate';

/** One start of a scripted callback actor: what it was given, how to answer, whether it was stopped. */
export interface ScriptedRun<TInput> {
  input: TInput;
  send(event: AnyEventObject): void;
  stopped: boolean;
}

/**
 * A callback actor a test drives by hand: every start is recorded in `runs`, and the test answers
 * through `runs[i].send(...)`. Stops (state exits) are visible as `stopped`.
 */
export function createScriptedActor<TInput>() {
  const runs: ScriptedRun<TInput>[] = [];
  const logic = fromCallback<EventObject, TInput>(({ input, sendBack }) => {
    const run: ScriptedRun<TInput> = { input, send: (event) => sendBack(event), stopped: false };
    runs.push(run);
    return () => {
      run.stopped = true;
    };
  });
  return { logic, runs, last: () => runs[runs.length - 1]! };
}
