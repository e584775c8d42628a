import { describe, expect, it } from 'vitest';
import { CLASSIFIER_NODE_FLAGS, CLASSIFIER_PROCESS_ENV, classifierProcessLaunch, missingClassifierProcessSettings } from './v8-tuning.js';

const allEnv = { ...CLASSIFIER_PROCESS_ENV };

describe('missingClassifierProcessSettings', () => {
  it('lists every flag and variable for a bare `node main.js`', () => {
    expect(missingClassifierProcessSettings([], {})).toEqual(['--max-semi-space-size=8', 'MALLOC_ARENA_MAX=2']);
  });

  it('is empty when the flags are on the command line and the variable is set', () => {
    expect(missingClassifierProcessSettings([...CLASSIFIER_NODE_FLAGS], allEnv)).toEqual([]);
  });

  it('accepts the flags from NODE_OPTIONS, in underscore spelling and with another value', () => {
    expect(missingClassifierProcessSettings([], { ...allEnv, NODE_OPTIONS: '--enable-source-maps  --max_semi_space_size=16' })).toEqual([]);
  });

  it('does not take a flag that only starts like the wanted one', () => {
    expect(missingClassifierProcessSettings(['--max-semi-space-size-extra=8'], allEnv)).toEqual(['--max-semi-space-size=8']);
  });

  it('keeps an operator’s own allocator setting, even an empty one', () => {
    expect(missingClassifierProcessSettings([...CLASSIFIER_NODE_FLAGS], { MALLOC_ARENA_MAX: '' })).toEqual([]);
  });
});

describe('classifierProcessLaunch', () => {
  it('puts the flags before the script and adds the variables, keeping an operator’s own value', () => {
    const launch = classifierProcessLaunch(['main.js', '--x'], { PATH: '/bin', MALLOC_ARENA_MAX: '4' });
    expect(launch.args).toEqual([...CLASSIFIER_NODE_FLAGS, 'main.js', '--x']);
    expect(launch.env).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '4' });
    expect(missingClassifierProcessSettings(launch.args, classifierProcessLaunch([], {}).env)).toEqual([]);
  });
});
