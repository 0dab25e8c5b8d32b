// Preloaded (`node --require`) into a run of bin/app.ts by app.test.ts: prints the
// validation plugins the app registers, so the test sees what the entry point really does.
const { Validations } = require('aws-cdk-lib');

const original = Validations.of;
Validations.of = function of(scope) {
  const validations = original.call(this, scope);
  const add = validations.addPlugins.bind(validations);
  validations.addPlugins = (...plugins) => {
    const names = plugins.map((p) => p.name ?? p.constructor.name);
    process.stdout.write(`validation plugins on ${scope.node.path || '(app)'}: ${JSON.stringify(names)}\n`);
    return add(...plugins);
  };
  return validations;
};
