/** The node flags a process was started with: its own command line and NODE_OPTIONS. */
export interface GivenNodeFlags {
  execArgv: string[];
  nodeOptions?: string;
}

/** This process's node flags. */
export function givenNodeFlags(): GivenNodeFlags {
  return { execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS };
}

/**
 * True when the operator gave the V8 flag `name` (with or without a value), in either spelling V8
 * accepts: dashes (`--max-semi-space-size`) or underscores (`--max_semi_space_size`).
 */
export function nodeFlagGiven(name: string, given: GivenNodeFlags = givenNodeFlags()): boolean {
  const spellings = [name, name.replaceAll('-', '_').replace(/^__/, '--')];
  return [...given.execArgv, ...(given.nodeOptions?.split(/\s+/) ?? [])].some((flag) =>
    spellings.some((spelling) => flag === spelling || flag.startsWith(`${spelling}=`)),
  );
}
