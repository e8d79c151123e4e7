// The console's terminal and its stylesheet, in one module that the Console panel imports only
// when it opens (components/jails/jail-console.tsx): no page load pays for xterm.js.
import "@xterm/xterm/css/xterm.css";

export { Terminal } from "@xterm/xterm";
export { FitAddon } from "@xterm/addon-fit";
