// Why live Bluetooth cannot be used here, in one sentence with what to do about it.
import { InputError } from '../errors.js';

export type UnavailableReason =
  | 'no-noble'
  | 'no-kernel-support'
  | 'permission'
  | 'no-adapter'
  | 'powered-off'
  | 'unauthorized'
  | 'unsupported'
  | 'timeout'
  | 'failed';

const INSTEAD = "or import captures of the vendor app instead ('bms-wizard inspect FILE', or the wizard's import)";
export const SETCAP = 'sudo setcap cap_net_raw+eip $(eval readlink -f $(which node))';

/** Live Bluetooth is not usable: exit code 2 like every input problem, one sentence, no stack. */
export class BluetoothUnavailable extends InputError {
  constructor(
    readonly reason: UnavailableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BluetoothUnavailable';
  }
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The error thrown while loading or opening noble, as the user should read it. */
export function classifyLoadError(err: unknown, platform: NodeJS.Platform = process.platform): BluetoothUnavailable {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'EAFNOSUPPORT' || /EAFNOSUPPORT|Address family not supported/i.test(message)) {
    return new BluetoothUnavailable(
      'no-kernel-support',
      `live Bluetooth is not available: this system has no Bluetooth support in its kernel (EAFNOSUPPORT). Run the tool on a machine with a Bluetooth adapter (in a VM or container, pass the adapter through), ${INSTEAD}`,
      { cause: err },
    );
  }
  if (code === 'EPERM' || code === 'EACCES' || /EPERM|EACCES|permission denied|operation not permitted/i.test(message)) {
    return permissionDenied(platform, err);
  }
  if (code === 'ENODEV' || /ENODEV|No such device/i.test(message)) {
    return new BluetoothUnavailable(
      'no-adapter',
      `no Bluetooth adapter found (ENODEV). Plug in or enable an adapter (check 'hciconfig' or 'bluetoothctl list'; choose one with NOBLE_HCI_DEVICE_ID=N), ${INSTEAD}`,
      { cause: err },
    );
  }
  if (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    code === 'ERR_DLOPEN_FAILED' ||
    /Cannot find (module|package)|No native build|bindings file|NODE_MODULE_VERSION|compiled against a different Node|invalid ELF|wrong ELF/i.test(message)
  ) {
    return new BluetoothUnavailable(
      'no-noble',
      `live Bluetooth is not available: the optional module @abandonware/noble is not installed or its native part did not build (${firstLine(message)}). Install it with 'npm install @abandonware/noble' (it needs make, g++ and python3), ${INSTEAD}`,
      { cause: err },
    );
  }
  return new BluetoothUnavailable('failed', `could not open the Bluetooth adapter: ${firstLine(message)}. Check that Bluetooth is on, ${INSTEAD}`, { cause: err });
}

function permissionDenied(platform: NodeJS.Platform, cause?: unknown): BluetoothUnavailable {
  if (platform === 'darwin') {
    return new BluetoothUnavailable(
      'permission',
      `this terminal is not allowed to use Bluetooth: allow it in System Settings → Privacy & Security → Bluetooth and run the command again, ${INSTEAD}`,
      { cause },
    );
  }
  if (platform === 'linux' || platform === 'freebsd') {
    return new BluetoothUnavailable(
      'permission',
      `permission denied opening the Bluetooth adapter: give node the right once with '${SETCAP}' (or run as root) and try again, ${INSTEAD}`,
      { cause },
    );
  }
  return new BluetoothUnavailable('permission', `permission denied opening the Bluetooth adapter: allow this program to use Bluetooth, ${INSTEAD}`, { cause });
}

/** A noble adapter state other than 'poweredOn', or no state at all within the timeout. */
export function classifyState(state: string, timeoutMs: number, platform: NodeJS.Platform = process.platform): BluetoothUnavailable {
  switch (state) {
    case 'poweredOff':
      return new BluetoothUnavailable(
        'powered-off',
        `the Bluetooth adapter is off: turn Bluetooth on (on Linux 'rfkill unblock bluetooth' and 'bluetoothctl power on') and try again, ${INSTEAD}`,
      );
    case 'unauthorized': {
      const e = permissionDenied(platform);
      return new BluetoothUnavailable('unauthorized', e.message.replace(/^permission denied/, 'not authorized (permission denied)'));
    }
    case 'unsupported':
      return new BluetoothUnavailable(
        'unsupported',
        `the Bluetooth adapter does not support Bluetooth Low Energy: use a Bluetooth 4.0+ adapter (on Linux pick it with NOBLE_HCI_DEVICE_ID=N), ${INSTEAD}`,
      );
    default:
      return new BluetoothUnavailable(
        'timeout',
        `the Bluetooth adapter did not become ready within ${formatSeconds(timeoutMs)} (state '${state}'): check that Bluetooth is on and that no other program holds the adapter, ${INSTEAD}`,
      );
  }
}

function firstLine(message: string): string {
  const line = message.split('\n')[0]!.trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
