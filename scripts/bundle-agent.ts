// `npm run agent:bundle`: writes dist/cellblock-agent.mjs, the file a jailing host runs with
// `node cellblock-agent.mjs enroll …` and `node cellblock-agent.mjs run …` (see README).
import { bundleAgent } from "./lib/agent-bundle";

const { file, bytes } = await bundleAgent();
console.log(`agent bundle: ${file} (${(bytes / 1024).toFixed(0)} KiB)`);
