//! `cargo run --release -p cityflow-simulator --example simulate -- [options]`: the simulator
//! on its own, with the same options as `cityflow simulate`.

use clap::Parser;

#[derive(Parser)]
#[command(about = "CityFlow traffic simulator")]
struct Cli {
    #[command(flatten)]
    options: cityflow_simulator::SimulateOptions,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    cityflow_simulator::run(Cli::parse().options).await
}
