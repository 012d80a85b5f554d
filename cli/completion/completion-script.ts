import type { Command, Option } from 'commander';

/** The shells `sluice completion` writes scripts for. */
export type CompletionShell = 'bash' | 'zsh';

/** Option values and arguments that name a file: completed with the shell's file names. */
const FILE_VALUE = /<(path|file)>/;

interface OptionSpec {
  flags: string[];
  description: string;
  takesValue: boolean;
  file: boolean;
  repeatable: boolean;
}

interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** Positional arguments: a name each, and whether it names a file. */
  arguments: { name: string; file: boolean; variadic: boolean }[];
  /** Fixed words for the first argument (`completion bash|zsh`). */
  choices: string[];
}

/**
 * Writes a completion script for `shell` from `program` as defined — its
 * commands, their options and arguments — so it cannot drift from the CLI.
 * `program` must have every command fully defined (`createProgram` does so
 * for `sluice completion`).
 *
 * @example
 * ```ts
 * io.stdout.write(completionScript(program, 'bash')); // source <(sluice completion bash)
 * ```
 */
export function completionScript(program: Command, shell: CompletionShell): string {
  const globals = program.options.map(optionSpec);
  const commands = program.commands.map(commandSpec);
  return shell === 'bash' ? bashScript(globals, commands) : zshScript(globals, commands);
}

function optionSpec(option: Option): OptionSpec {
  return {
    flags: [option.short, option.long].filter((flag): flag is string => flag !== undefined),
    description: option.description,
    takesValue: option.required || option.optional,
    file: FILE_VALUE.test(option.flags),
    repeatable: option.variadic || option.defaultValueDescription === 'none',
  };
}

function commandSpec(command: Command): CommandSpec {
  return {
    name: command.name(),
    description: command.description(),
    options: command.options.map(optionSpec),
    arguments: command.registeredArguments.map((argument) => ({
      name: argument.name(),
      file: argument.name() === 'file',
      variadic: argument.variadic,
    })),
    choices: command.name() === 'completion' ? ['bash', 'zsh'] : [],
  };
}

function bashScript(globals: OptionSpec[], commands: CommandSpec[]): string {
  const all = [...globals, ...commands.flatMap((command) => command.options)];
  const valued = [...new Set(all.filter((o) => o.takesValue).flatMap((o) => o.flags))];
  const files = [...new Set(all.filter((o) => o.file).flatMap((o) => o.flags))];
  const globalWords = globals.flatMap((o) => o.flags);
  const cases = commands.map((command) => {
    const words = [...command.choices, ...command.options.flatMap((o) => o.flags), ...globalWords];
    return `    ${command.name}) words="${words.join(' ')}" ;;`;
  });
  return `# bash completion for sluice: source <(sluice completion bash)
_sluice() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" words="" i
  local valued=" ${valued.join(' ')} "
  for ((i = 1; i < COMP_CWORD; i++)); do
    local word="\${COMP_WORDS[i]}"
    if [[ "$word" == -* ]]; then
      [[ "$valued" == *" $word "* ]] && ((i++))
      continue
    fi
    cmd="$word"
    break
  done
  case "$prev" in
    ${files.length > 0 ? files.join('|') : '--'}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  [[ "$valued" == *" $prev "* ]] && return
  case "$cmd" in
    "") words="${[...commands.map((c) => c.name), ...globalWords].join(' ')}" ;;
${cases.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _sluice sluice
`;
}

/** Quotes a zsh `_arguments` spec: single quotes around, and `[`, `]`, `:` escaped in text. */
function zshText(text: string): string {
  return text.replace(/[\\[\]:]/g, (char) => `\\${char}`).replace(/'/g, "'\\''");
}

function zshOption(option: OptionSpec): string[] {
  const value = option.takesValue ? `:${option.file ? 'file:_files' : 'value: '}` : '';
  const repeat = option.repeatable ? '*' : '';
  return option.flags.map((flag) => `'${repeat}${flag}[${zshText(option.description)}]${value}'`);
}

function zshScript(globals: OptionSpec[], commands: CommandSpec[]): string {
  const describe = commands.map((c) => `    '${zshText(c.name)}:${zshText(c.description)}'`);
  const globalSpecs = globals.flatMap(zshOption);
  const cases = commands.map((command) => {
    const positional = command.arguments.map((argument, index) => {
      const position = argument.variadic ? '*' : String(index + 1);
      const action =
        command.choices.length > 0
          ? `(${command.choices.join(' ')})`
          : argument.file
            ? '_files'
            : ' ';
      return `'${position}:${zshText(argument.name)}:${action}'`;
    });
    const specs = [...command.options.flatMap(zshOption), ...globalSpecs, ...positional];
    return `        ${command.name}) _arguments ${specs.join(' ')} ;;`;
  });
  return `#compdef sluice
# zsh completion for sluice: sluice completion zsh > "\${fpath[1]}/_sluice"
_sluice() {
  local -a commands
  commands=(
${describe.join('\n')}
  )
  local state
  _arguments -C ${globalSpecs.join(' ')} '1: :->command' '*:: :->args'
  case $state in
    command) _describe 'command' commands ;;
    args)
      case $words[1] in
${cases.join('\n')}
      esac
      ;;
  esac
}
if [ "$funcstack[1]" = "_sluice" ]; then _sluice "$@"; else compdef _sluice sluice; fi
`;
}
